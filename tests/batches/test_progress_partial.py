from batches.services import create_batch
from tests.conftest import upload
from tests.receipt_images import receipt_png

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_partial_keeps_polling_while_processing(logged_in_client, user, transactional_db):
    batch = create_batch(user, [upload("a.png", receipt_png(), "image/png")])

    response = logged_in_client.get(f"/batches/{batch.id}/", **HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "0/1 processed" in body
    assert 'hx-trigger="every 1s"' in body


def test_partial_stops_polling_with_286_when_finished(logged_in_client, user, run_worker):
    batch = create_batch(user, [upload("a.png", receipt_png(total="9.99"), "image/png")])
    run_worker()

    response = logged_in_client.get(f"/batches/{batch.id}/", **HTMX)

    assert response.status_code == 286
    body = response.content.decode()
    assert "1/1 processed" in body
    assert "9.99" in body
    assert "hx-trigger" not in body
