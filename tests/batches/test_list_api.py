"""Lists a script can page through: batches without their receipts, and receipts with filters."""

from datetime import date
from decimal import Decimal

from batches.models import Batch
from batches.services import add_files_to_batch, create_batch
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png


def test_the_batch_list_gives_counts_without_receipts(api_client, user, db):
    create_batch(user, [upload("a.png", receipt_png(), "image/png"), upload("notes.png", b"notes")])

    batch = api_client.get("/api/batches").json()["results"][0]

    assert "receipts" not in batch
    assert (batch["total"], batch["failed"], batch["processed"]) == (2, 1, 1)
    assert batch["client_reference"] == ""


def test_the_batch_list_filters_by_status(api_client, user, db):
    finished = create_batch(user, [upload("notes.png", b"notes")])
    create_batch(user, [upload("a.png", receipt_png(), "image/png")])

    listed = api_client.get("/api/batches", {"status": "completed_with_errors"}).json()["results"]
    refused = api_client.get("/api/batches", {"status": "lost"})

    assert [batch["id"] for batch in listed] == [str(finished.id)]
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"


def read_receipts(user):
    batch = create_batch(user, [upload(f"{n}.png", receipt_png(), "image/png") for n in range(3)])
    values = [
        ("Corner Grocery", date(2024, 3, 1), False),
        ("City Cafe", date(2024, 3, 15), True),
        ("Corner Bakery", date(2024, 4, 2), False),
    ]
    for receipt, (merchant, day, review) in zip(batch.receipts.order_by("position"), values, strict=True):
        Receipt.objects.filter(pk=receipt.pk).update(
            status=Receipt.Status.COMPLETED, merchant=merchant, date=day, needs_review=review, total=Decimal("1.00"),
        )
    return batch


def names(response):
    return sorted(receipt["merchant"] for receipt in response.json()["results"])


def test_the_receipts_list_filters_by_merchant_date_range_review_and_status(api_client, user, db):
    read_receipts(user)

    assert names(api_client.get("/api/receipts", {"merchant": "corner"})) == ["Corner Bakery", "Corner Grocery"]
    assert names(api_client.get("/api/receipts", {"date_from": "2024-03-10", "date_to": "2024-03-31"})) == [
        "City Cafe"
    ]
    assert names(api_client.get("/api/receipts", {"needs_review": "true"})) == ["City Cafe"]
    assert len(api_client.get("/api/receipts", {"status": "completed"}).json()["results"]) == 3
    assert api_client.get("/api/receipts", {"status": "queued"}).json()["count"] == 0


def test_the_receipts_list_is_paginated_and_only_yours(api_client, user, other_user, settings, db):
    read_receipts(user)
    create_batch(other_user, [upload("x.png", receipt_png(), "image/png")])

    page = api_client.get("/api/receipts").json()

    assert page["count"] == 3
    assert set(page) == {"count", "next", "previous", "results"}


def test_two_files_may_not_share_a_position(api_client, user, db):
    batch = Batch.objects.create(user=user)
    add_files_to_batch(batch, [upload("a.png", receipt_png(), "image/png")], position=0)

    response = api_client.post(
        f"/api/batches/{batch.id}/files",
        {"files": [upload("b.png", receipt_png(), "image/png")], "position": "0"},
        format="multipart",
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Position 0 of this batch already holds a receipt; send each file with its own position.",
        "code": "position_taken",
    }
    assert batch.receipts.count() == 1


def test_a_filter_given_without_a_value_or_with_an_unknown_one_is_refused(api_client, user, db):
    empty = api_client.get("/api/batches", {"status": ""})
    unknown = api_client.get("/api/receipts", {"status": "AAA"})
    not_boolean = api_client.get("/api/receipts", {"needs_review": "2"})

    assert empty.status_code == unknown.status_code == not_boolean.status_code == 400
    assert empty.json()["errors"] == {"status": ["Give a value, or leave this filter out."]}
    assert unknown.json()["code"] == "invalid"


def test_a_page_that_is_not_a_whole_number_is_refused(api_client, user, db):
    blank = api_client.get("/api/receipts", {"page": ""})
    words = api_client.get("/api/batches", {"page": "two"})

    assert blank.status_code == words.status_code == 400
    assert blank.json()["errors"] == {"page": ["A page is a whole number from 1."]}
