"""RECEIPTS_ENHANCER chooses the enhancer; a choice that cannot work says so."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from receipts.enhance import get_enhancer


def test_the_local_enhancer_is_the_default(settings):
    assert get_enhancer().name == "local"


def test_the_llm_enhancer_is_chosen_by_name(settings):
    settings.RECEIPTS_ENHANCER, settings.RECEIPTS_LLM_URL = "llm", "http://127.0.0.1:8080"

    assert get_enhancer().name == "llm"


def test_the_llm_enhancer_without_a_url_is_a_configuration_error(settings):
    settings.RECEIPTS_ENHANCER, settings.RECEIPTS_LLM_URL = "llm", ""

    with pytest.raises(ImproperlyConfigured, match="RECEIPTS_LLM_URL is not set"):
        get_enhancer()


def test_an_unknown_enhancer_is_a_configuration_error(settings):
    settings.RECEIPTS_ENHANCER = "magic"

    with pytest.raises(ImproperlyConfigured, match="choose one of local, llm"):
        get_enhancer()
