"""The receipt page's correction form: wrong values are refused beside their field, and nothing is
saved until every field is right."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from batches.services import create_batch
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png


@pytest.fixture
def read_receipt(user, db):
    receipt = create_batch(user, [upload("lunch.png", receipt_png(), "image/png")]).receipts.get()
    Receipt.objects.filter(pk=receipt.pk).update(
        status=Receipt.Status.COMPLETED, merchant="Corner Grocery", total=Decimal("23.45"), currency="EUR",
        category="groceries", confidence={"merchant": 0.0, "date": 0.9, "total": 0.0},
    )
    receipt.refresh_from_db()
    return receipt


def form_data(**changes):
    data = {
        "merchant": "Corner Grocery", "date": "2024-03-12", "total": "23.45", "subtotal": "", "tax": "",
        "currency": "EUR", "category": "groceries",
    }
    return {**data, **changes}


def post(client, receipt, **changes):
    return client.post(f"/receipts/{receipt.id}/", form_data(**changes))


def test_a_decimal_comma_is_saved_as_the_amount_it_means(logged_in_client, read_receipt):
    response = post(logged_in_client, read_receipt, total="80,90")

    assert response.status_code == 302
    read_receipt.refresh_from_db()
    assert read_receipt.total == Decimal("80.90")


def test_letters_in_the_total_are_refused_and_the_total_kept(logged_in_client, read_receipt):
    response = post(logged_in_client, read_receipt, total="eighty")

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_total_error"' in page
    assert "Enter an amount in numbers, such as 12.50 or 12,50." in page
    read_receipt.refresh_from_db()
    assert read_receipt.total == Decimal("23.45")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("merchant", "  ", "Enter the merchant&#x27;s name as you want to see it."),
        ("currency", "ABC", "ABC is not a currency code; use one such as EUR, USD or MYR."),
        ("category", "banana", "Select a valid choice. banana is not one of the available choices."),
        ("date", "2031-01-01", "This date is in the future; enter the date on the receipt."),
    ],
)
def test_a_wrong_value_is_refused_beside_its_field_and_nothing_is_saved(
    logged_in_client, read_receipt, field, value, message
):
    response = post(logged_in_client, read_receipt, total="99.99", **{field: value})

    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert message in page
    read_receipt.refresh_from_db()
    assert read_receipt.total == Decimal("23.45")
    assert not read_receipt.logs.filter(event="corrected").exists()


def test_tomorrow_is_accepted_for_a_receipt_from_a_timezone_ahead(logged_in_client, read_receipt):
    tomorrow = timezone.localdate() + timedelta(days=1)

    assert post(logged_in_client, read_receipt, date=tomorrow.isoformat()).status_code == 302


def test_more_decimals_than_the_currency_has_are_refused(logged_in_client, read_receipt):
    response = post(logged_in_client, read_receipt, total="1500.5", currency="JPY")

    assert response.status_code == 400
    assert "JPY amounts have no decimals." in response.content.decode()


def test_a_corrected_field_no_longer_shows_the_readings_doubt(logged_in_client, read_receipt):
    post(logged_in_client, read_receipt, merchant="Corner Grocer", total="24.00")

    read_receipt.refresh_from_db()
    assert read_receipt.confidence["merchant"] == 1.0 and read_receipt.confidence["total"] == 1.0
    page = logged_in_client.get(f"/batches/{read_receipt.batch_id}/").content.decode()
    assert "Confidence 0%" not in page and "Confidence 100%" in page


def test_the_form_shows_amounts_with_the_currencys_minor_units(logged_in_client, read_receipt):
    page = logged_in_client.get(f"/receipts/{read_receipt.id}/").content.decode()

    assert 'value="23.45"' in page
    assert 'inputmode="decimal"' in page
    assert '<option value="groceries" selected>Groceries</option>' in page
