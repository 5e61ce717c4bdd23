"""Export of a batch's receipts as CSV and JSON, from the API and from the batch page."""

import csv
import io
from decimal import Decimal

from batches.export import COLUMNS
from batches.services import create_batch
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png


def finished_batch(user):
    batch = create_batch(user, [upload("lunch.png", receipt_png(), "image/png"), upload("bad.png", b"nope")])
    lunch = batch.receipts.get(original_filename="lunch.png")
    Receipt.objects.filter(pk=lunch.pk).update(
        status=Receipt.Status.COMPLETED, merchant="Corner Grocery", total=Decimal("23.45"), currency="EUR",
    )
    return batch


def test_a_blank_export_format_is_refused_with_the_choices(api_client, user, db):
    batch = finished_batch(user)

    response = api_client.get(f"/api/batches/{batch.id}/export?format=")

    assert response.status_code == 400
    assert response.json() == {"detail": "format must be json or csv, or left out for JSON.", "code": "invalid_format"}


def test_api_export_as_csv_has_a_header_and_one_row_per_receipt(api_client, user, db):
    batch = finished_batch(user)

    response = api_client.get(f"/api/batches/{batch.id}/export?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == COLUMNS
    by_name = {row[COLUMNS.index("original_filename")]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"lunch.png", "bad.png"}
    assert by_name["lunch.png"]["merchant"] == "Corner Grocery"
    assert by_name["lunch.png"]["total"] == "23.45"
    assert by_name["lunch.png"]["status"] == "completed"
    assert by_name["bad.png"]["status"] == "failed"
    assert by_name["bad.png"]["error"] == "This file is not an image or a PDF (it looks like plain text)."


def test_api_export_as_json_lists_the_receipts(api_client, user, db):
    batch = finished_batch(user)

    response = api_client.get(f"/api/batches/{batch.id}/export?format=json")

    assert response.status_code == 200
    rows = response.json()
    assert [row["original_filename"] for row in rows] == ["lunch.png", "bad.png"]
    assert set(rows[0]) == set(COLUMNS)
    assert rows[0]["total"] == "23.45" and rows[0]["currency"] == "EUR"
    assert rows[1]["total"] is None and rows[1]["status"] == "failed"


def test_api_export_defaults_to_json_and_honours_accept_csv(api_client, user, db):
    batch = finished_batch(user)

    assert api_client.get(f"/api/batches/{batch.id}/export").json()[0]["merchant"] == "Corner Grocery"
    response = api_client.get(f"/api/batches/{batch.id}/export", HTTP_ACCEPT="text/csv")
    assert response.content.decode().splitlines()[0] == ",".join(COLUMNS)


def test_api_export_of_another_users_batch_is_404(api_client, other_user, db):
    batch = finished_batch(other_user)

    assert api_client.get(f"/api/batches/{batch.id}/export?format=csv").status_code == 404
    assert api_client.get(f"/api/batches/{batch.id}/export?format=json").status_code == 404


def test_csv_export_neutralises_formulas_in_file_names(api_client, user, db):
    batch = create_batch(user, [upload("=HYPERLINK(1).png", receipt_png(), "image/png")])

    body = api_client.get(f"/api/batches/{batch.id}/export?format=csv").content.decode()

    assert "'=HYPERLINK(1).png" in body


def test_batch_page_links_to_both_downloads_which_match_the_api(logged_in_client, api_client, user, db):
    batch = finished_batch(user)

    page = logged_in_client.get(f"/batches/{batch.id}/").content.decode()
    csv_page = logged_in_client.get(f"/batches/{batch.id}/export.csv")
    json_page = logged_in_client.get(f"/batches/{batch.id}/export.json")

    assert f"/batches/{batch.id}/export.csv" in page and f"/batches/{batch.id}/export.json" in page
    api_csv = api_client.get(f"/api/batches/{batch.id}/export?format=csv").content
    assert csv_page.content == "\ufeff".encode() + api_csv
    assert json_page.json() == api_client.get(f"/api/batches/{batch.id}/export?format=json").json()


def test_batch_page_export_of_another_users_batch_is_404(logged_in_client, other_user, db):
    batch = finished_batch(other_user)

    assert logged_in_client.get(f"/batches/{batch.id}/export.csv").status_code == 404


def test_export_is_in_the_openapi_schema(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    operation = schema["paths"]["/api/batches/{id}/export"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"format"}
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert "/api/batches/{id}/files" in schema["paths"]


def test_the_pages_csv_opens_as_utf8_in_spreadsheets(logged_in_client, user, db):
    batch = create_batch(user, [upload("café.png", receipt_png(), "image/png")])
    Receipt.objects.filter(batch=batch).update(merchant="Café Zoé")

    body = logged_in_client.get(f"/batches/{batch.id}/export.csv").content

    assert body.startswith(b"\xef\xbb\xbf")
    assert "Café Zoé" in body.decode("utf-8-sig")


def test_booleans_and_times_read_the_same_in_csv_json_and_the_api(api_client, user, db):
    batch = finished_batch(user)
    lunch = batch.receipts.get(original_filename="lunch.png")

    csv_text = api_client.get(f"/api/batches/{batch.id}/export?format=csv").content.decode()
    csv_rows = list(csv.DictReader(io.StringIO(csv_text)))
    json_rows = api_client.get(f"/api/batches/{batch.id}/export?format=json").json()
    api = api_client.get(f"/api/receipts/{lunch.id}").json()

    assert csv_rows[0]["needs_review"] == "false" and json_rows[0]["needs_review"] is False
    assert csv_rows[0]["created_at"] == json_rows[0]["created_at"] == api["created_at"]
    assert api["created_at"].endswith("Z")


def test_the_export_names_the_receipt_a_duplicate_reused(api_client, user, db):
    batch = finished_batch(user)
    lunch = batch.receipts.get(original_filename="lunch.png")
    bad = batch.receipts.get(original_filename="bad.png")
    Receipt.objects.filter(pk=bad.pk).update(duplicate_of=lunch)

    rows = {row["original_filename"]: row for row in api_client.get(f"/api/batches/{batch.id}/export").json()}

    assert rows["bad.png"]["duplicate_of"] == str(lunch.id)
    assert rows["lunch.png"]["duplicate_of"] is None
    assert rows["bad.png"]["error_code"] == "unreadable"
