"""Receipts keep the place their files had in the person's list, whatever order they arrive in."""

from batches.services import create_batch
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png


def png(name):
    return upload(name, receipt_png(), "image/png")


def add(api_client, batch, name, position=None):
    body = {"files": [png(name)]}
    if position is not None:
        body["position"] = position
    return api_client.post(f"/api/batches/{batch.id}/files", body, format="multipart")


def test_a_batch_numbers_its_files_in_the_order_they_were_sent(user, db):
    batch = create_batch(user, [png("a.png"), png("b.png"), png("c.png")])
    assert list(batch.receipts.order_by("position").values_list("position", "original_filename")) == [
        (0, "a.png"), (1, "b.png"), (2, "c.png"),
    ]  # fmt: skip


def test_files_that_arrive_out_of_order_are_listed_in_their_places(api_client, user, db):
    batch = create_batch(user, [png("first.png")])
    assert add(api_client, batch, "third.png", position=2).status_code == 201
    assert add(api_client, batch, "second.png", position=1).status_code == 201

    listed = api_client.get(f"/api/batches/{batch.id}").json()["receipts"]
    assert [(r["position"], r["original_filename"]) for r in listed] == [
        (0, "first.png"), (1, "second.png"), (2, "third.png"),
    ]  # fmt: skip
    export = api_client.get(f"/api/batches/{batch.id}/export?format=json").json()
    assert [row["original_filename"] for row in export] == ["first.png", "second.png", "third.png"]


def test_batch_page_lists_receipts_in_their_places(logged_in_client, api_client, user, db):
    batch = create_batch(user, [png("first.png")])
    add(api_client, batch, "third.png", position=2)
    add(api_client, batch, "second.png", position=1)

    html = logged_in_client.get(batch.get_absolute_url()).content.decode()
    assert html.index("first.png") < html.index("second.png") < html.index("third.png")


def test_files_sent_without_a_position_go_after_the_others(api_client, user, db):
    batch = create_batch(user, [png("a.png"), png("b.png")])
    response = add(api_client, batch, "c.png")
    assert response.json()[0]["position"] == 2
    assert Receipt.objects.get(original_filename="c.png").position == 2


def test_a_position_that_is_not_a_place_in_the_batch_is_refused(api_client, user, db, settings):
    settings.RECEIPT_MAX_FILES_PER_BATCH = 50
    batch = create_batch(user, [png("a.png")])
    for bad in ["-1", "two", "1.5", "50", "99999999999"]:
        response = add(api_client, batch, "b.png", position=bad)
        assert response.status_code == 400, bad
        assert response.json()["detail"] == "position must be a whole number from 0 to 49."
    assert batch.receipts.count() == 1
