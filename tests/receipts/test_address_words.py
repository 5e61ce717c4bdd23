"""Common address words restored from one letter Tesseract mistook for another."""

import pytest

from receipts.reading.fields import extract_fields_from_text
from receipts.reading.locales.malaysia_words import restore_address_words, restore_word


@pytest.mark.parametrize(
    ("read", "word"),
    [("THN", "TMN"), ("JIN", "JLN"), ("MALAYSTA", "MALAYSIA"),
     ("Jaian", "Jalan"), ("5ELANGOR", "SELANGOR"), ("JOH0R", "JOHOR")],
)  # fmt: skip
def test_word_one_confusable_letter_away_is_restored(read, word):
    assert restore_word(read) == word


@pytest.mark.parametrize("word", ["TAMPOL", "PERHAS", "MEWAH", "SUTERA", "SAGU", "TMN", "Jalan", "Tarnan"])
def test_place_names_and_right_words_are_left_alone(word):
    assert restore_word(word) == word


def test_numbers_and_codes_in_an_address_are_untouched():
    assert restore_address_words("67,JLN MEWAH 25/63 THN SRI MUDA, U13/BG") == (
        "67,JLN MEWAH 25/63 TMN SRI MUDA, U13/BG"
    )


def test_extracted_address_has_its_common_words_restored():
    text = "KEDAI SDN BHD\n67,JLN MEWAH 25/63 THN SRI MUDA,\n40400 SHAH ALAM.\nTEL 03"
    assert extract_fields_from_text(text).address == "67,JLN MEWAH 25/63 TMN SRI MUDA, 40400 SHAH ALAM."
