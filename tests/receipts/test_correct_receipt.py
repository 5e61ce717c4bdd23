"""A person corrects what was read: saved, logged with who and what, and remembered."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from batches.services import create_batch
from receipts.enhance import learned_merchant
from receipts.models import Receipt
from receipts.services import correct_receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png


@pytest.fixture
def read_receipt(user, db):
    receipt = create_batch(user, [upload("lunch.png", receipt_png(), "image/png")]).receipts.get()
    Receipt.objects.filter(pk=receipt.pk).update(
        status=Receipt.Status.COMPLETED, merchant="C0RNER GR0CERY", total=Decimal("23.45"), currency="EUR",
        needs_review=True,
    )
    receipt.refresh_from_db()
    return receipt


def test_a_corrected_total_is_saved(read_receipt, user):
    changes = correct_receipt(read_receipt, user, {"total": Decimal("25.00"), "merchant": "C0RNER GR0CERY"})

    read_receipt.refresh_from_db()
    assert read_receipt.total == Decimal("25.00")
    assert changes == {"total": (Decimal("23.45"), Decimal("25.00"))}
    assert read_receipt.needs_review is False


def test_a_correction_is_logged_with_who_and_what(read_receipt, user):
    correct_receipt(read_receipt, user, {"total": Decimal("25.00")})

    log = read_receipt.logs.get(event="corrected")
    assert log.message == "Corrected by alice: total 23.45 → 25.00."
    assert log.details["corrected_by"] == "alice"
    assert log.details["changes"] == {"total": ["23.45", "25.00"]}


def test_a_corrected_merchant_is_learned_for_the_next_receipt(read_receipt, user):
    correct_receipt(read_receipt, user, {"merchant": "Corner Grocery", "category": "Groceries"})

    assert learned_merchant(user.pk, "C0RNER GR0CERY") == {"merchant": "Corner Grocery", "category": "Groceries"}


def test_a_second_correction_still_teaches_the_name_as_read(read_receipt, user):
    correct_receipt(read_receipt, user, {"merchant": "Corner Grocer"})
    correct_receipt(read_receipt, user, {"merchant": "Corner Grocery"})

    assert learned_merchant(user.pk, "C0RNER GR0CERY")["merchant"] == "Corner Grocery"


def test_nothing_changed_writes_no_log(read_receipt, user):
    assert correct_receipt(read_receipt, user, {"total": Decimal("23.45")}) == {}
    assert not read_receipt.logs.filter(event="corrected").exists()


def test_a_receipt_still_being_read_cannot_be_corrected(user, db):
    receipt = create_batch(user, [upload("lunch.png", receipt_png(), "image/png")]).receipts.get()

    with pytest.raises(ValidationError):
        correct_receipt(receipt, user, {"total": Decimal("1.00")})


def test_the_receipt_page_form_saves_and_validates(logged_in_client, read_receipt):
    url = f"/receipts/{read_receipt.id}/"
    fields = {"merchant": "Corner Grocery", "date": "2024-03-12", "total": "26.10", "subtotal": "", "tax": "",
              "currency": "eur", "category": "groceries"}

    saved = logged_in_client.post(url, fields)
    refused = logged_in_client.post(url, {**fields, "currency": "E1R"})

    assert saved.status_code == 302
    read_receipt.refresh_from_db()
    assert (read_receipt.total, read_receipt.currency) == (Decimal("26.10"), "EUR")
    assert refused.status_code == 400
    assert "E1R is not a currency code; use one such as EUR, USD or MYR." in refused.content.decode()


def test_another_users_receipt_cannot_be_corrected(client, other_user, read_receipt):
    client.force_login(other_user)

    response = client.post(f"/receipts/{read_receipt.id}/", {"total": "1.00"})

    assert response.status_code == 404
    read_receipt.refresh_from_db()
    assert read_receipt.total == Decimal("23.45")
