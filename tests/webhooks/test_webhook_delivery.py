"""Deliveries to a real receiver on 127.0.0.1: signed, retried with backoff, logged, resent."""

import django_rq
from django.test import override_settings

from batches.webhooks import signing
from batches.webhooks.jobs import deliver
from batches.webhooks.models import Delivery, Endpoint
from tests.conftest import upload
from tests.receipt_images import receipt_png


def register(api_client, url, events=None):
    response = api_client.post("/api/webhooks", {"url": url, **({"events": events} if events else {})}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def send_batch(api_client, broken=False):
    files = [upload("lunch.png", receipt_png(total="18.40"), "image/png")]
    if broken:
        files.append(upload("notes.png", b"These are notes, not a receipt.\n" * 5, "image/png"))
    response = api_client.post("/api/batches", {"files": files}, format="multipart")
    assert response.status_code == 201
    return response.json()


def failed_delivery(api_client, receiver, run_worker, run_webhook_worker):
    """A finished batch whose delivery failed three times (the receiver answered 500)."""
    receiver.statuses = [500, 500, 500]
    endpoint = register(api_client, receiver.url, ["batch.finished"])
    send_batch(api_client)
    run_worker()
    run_webhook_worker()
    return endpoint, Delivery.objects.get()


def test_batch_finished_is_delivered_with_a_valid_signature(api_client, receiver, run_worker, run_webhook_worker):
    endpoint = register(api_client, receiver.url, ["batch.finished"])
    batch = send_batch(api_client)

    run_worker()
    run_webhook_worker()

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request["path"] == "/hooks/receipts"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["Receipts-Event"] == "batch.finished"
    assert signing.verify(endpoint["secret"], request["body"], request["headers"]["Receipts-Signature"])
    assert not signing.verify("whsec_wrong", request["body"], request["headers"]["Receipts-Signature"])
    payload = receiver.json()
    assert payload["type"] == "batch.finished"
    assert payload["id"] == request["headers"]["Receipts-Delivery"]
    data = payload["data"]
    assert (data["id"], data["status"], data["total"], data["completed"], data["failed"]) == (
        batch["id"], "completed", 1, 1, 0
    )
    assert [(row["amount"], row["count"]) for row in data["totals"]] == [("18.40", 1)]
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert [(a.number, a.status_code, a.succeeded) for a in delivery.attempts.all()] == [(1, 200, True)]


def test_a_failing_receiver_is_retried_until_it_answers(api_client, receiver, run_worker, run_webhook_worker):
    receiver.statuses = [500, 503]
    register(api_client, receiver.url, ["batch.finished"])
    send_batch(api_client)

    run_worker()
    run_webhook_worker()

    assert len(receiver.requests) == 3
    assert len({r["headers"]["Receipts-Delivery"] for r in receiver.requests}) == 1  # one event id throughout
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert [(a.number, a.status_code, a.succeeded) for a in delivery.attempts.all()] == [
        (1, 500, False), (2, 503, False), (3, 200, True)
    ]


def test_a_receiver_that_keeps_failing_ends_failed_with_the_reason(
    api_client, receiver, run_worker, run_webhook_worker
):
    receiver.statuses = [500, 500, 500]
    register(api_client, receiver.url, ["batch.finished"])
    send_batch(api_client)

    run_worker()
    run_webhook_worker()

    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.error == "Gave up after 3 attempts; the last: HTTP 500"
    assert delivery.attempts.count() == 3  # WEBHOOK_RETRY_INTERVALS=0,0 in tests: two retries


def test_resend_through_the_api_delivers_the_same_event_again(
    api_client, receiver, run_worker, run_webhook_worker
):
    endpoint, delivery = failed_delivery(api_client, receiver, run_worker, run_webhook_worker)

    response = api_client.post(f"/api/webhook-deliveries/{delivery.pk}/resend")
    again = api_client.post(f"/api/webhook-deliveries/{delivery.pk}/resend")
    run_webhook_worker()

    assert response.status_code == 202 and response.json()["status"] == "pending"
    assert again.status_code == 409
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert [a.number for a in delivery.attempts.all()] == [1, 2, 3, 4]
    assert receiver.json()["id"] == str(delivery.pk)
    listed = api_client.get(f"/api/webhooks/{endpoint['id']}/deliveries").json()["results"]
    assert [a["status_code"] for a in listed[0]["attempts"]] == [500, 500, 500, 200]


def test_resend_button_on_the_webhook_page(api_client, logged_in_client, receiver, run_worker, run_webhook_worker):
    endpoint, delivery = failed_delivery(api_client, receiver, run_worker, run_webhook_worker)

    page = logged_in_client.get(f"/webhooks/{endpoint['id']}/").content.decode()
    assert "Gave up after 3 attempts; the last: HTTP 500" in page
    assert page.count("HTTP 500 ·") == 3
    assert f'action="/webhooks/deliveries/{delivery.pk}/resend"' in page

    response = logged_in_client.post(f"/webhooks/deliveries/{delivery.pk}/resend")
    run_webhook_worker()

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert "HTTP 200" in logged_in_client.get(f"/webhooks/{endpoint['id']}/").content.decode()


def test_receipt_failed_is_delivered_for_a_refused_file(api_client, receiver, run_worker, run_webhook_worker):
    register(api_client, receiver.url, ["receipt.failed"])
    send_batch(api_client, broken=True)

    run_worker()
    run_webhook_worker()

    assert len(receiver.requests) == 1
    payload = receiver.json()
    assert payload["type"] == "receipt.failed"
    assert payload["data"]["original_filename"] == "notes.png"
    assert payload["data"]["status"] == "failed"
    assert payload["data"]["error_kind"] == "unreadable"
    assert payload["data"]["error"]


def test_a_slow_receiver_never_holds_up_receipts(api_client, receiver, run_worker, run_webhook_worker):
    receiver.delay = 2
    register(api_client, receiver.url, ["batch.finished"])
    batch = send_batch(api_client)

    run_worker()  # the receipts worker finishes the batch without touching the delivery

    assert api_client.get(f"/api/batches/{batch['id']}").json()["status"] == "completed"
    assert receiver.requests == []
    assert django_rq.get_queue("webhooks").count == 1
    assert django_rq.get_queue("receipts").count == 0
    run_webhook_worker()
    assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED


def test_a_private_address_is_refused_at_delivery_without_the_setting(
    receiver, user, transactional_db
):
    endpoint = Endpoint.objects.create(user=user, url=receiver.url, events=["batch.finished"])
    delivery = Delivery.objects.create(endpoint=endpoint, event="batch.finished", payload={"id": "x"})

    with override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False):
        deliver(str(delivery.pk))

    delivery.refresh_from_db()
    assert receiver.requests == []
    assert delivery.status == Delivery.Status.FAILED
    attempt = delivery.attempts.get()
    assert attempt.error == (
        "Not sent: 127.0.0.1 is a private, loopback or link-local address; webhooks go to public addresses only."
    )


def test_admin_shows_attempts_and_resends_a_delivery(
    api_client, client, staff_user, receiver, run_worker, run_webhook_worker
):
    _endpoint, delivery = failed_delivery(api_client, receiver, run_worker, run_webhook_worker)
    client.force_login(staff_user)

    page = client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/").content.decode()
    response = client.post(
        "/admin/webhooks/delivery/", {"action": "resend_selected", "_selected_action": [str(delivery.pk)]}
    )
    run_webhook_worker()

    assert page.count("HTTP 500") >= 3 and "Gave up after 3 attempts" in page
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert [a.status_code for a in delivery.attempts.all()] == [500, 500, 500, 200]


def test_a_delivery_whose_job_was_lost_can_be_resent(api_client, receiver, user, run_webhook_worker, transactional_db):
    endpoint = Endpoint.objects.create(user=user, url=receiver.url, events=["batch.finished"])
    delivery = Delivery.objects.create(endpoint=endpoint, event="batch.finished", payload={"id": "lost"}, job_id="gone")

    response = api_client.post(f"/api/webhook-deliveries/{delivery.pk}/resend")
    run_webhook_worker()

    assert response.status_code == 202
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert receiver.json() == {"id": "lost"}
