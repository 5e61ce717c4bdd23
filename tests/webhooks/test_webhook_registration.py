"""Registering webhook URLs: public addresses only (unless allowed), known events, owner only."""

import pytest
from django.test import override_settings

from batches.webhooks.models import Endpoint


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(api_client, db, url):
    response = api_client.post("/api/webhooks", {"url": url}, format="json")

    assert response.status_code == 400
    assert "webhooks go to public addresses only" in response.json()["detail"]
    assert not Endpoint.objects.exists()


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True)
def test_the_setting_allows_private_addresses(api_client, user, db):
    response = api_client.post("/api/webhooks", {"url": "http://127.0.0.1:9000/hook"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["events"] == ["batch.finished", "receipt.failed"]
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert Endpoint.objects.get().user == user


def test_other_schemes_and_credentials_are_refused(api_client, db):
    ftp = api_client.post("/api/webhooks", {"url": "ftp://example.com/hook"}, format="json")
    creds = api_client.post("/api/webhooks", {"url": "https://me:pw@example.com/hook"}, format="json")

    assert ftp.status_code == 400
    assert creds.status_code == 400
    assert "Leave user names and passwords out" in creds.json()["detail"]


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True)
def test_unknown_events_are_refused(api_client, db):
    response = api_client.post(
        "/api/webhooks", {"url": "http://127.0.0.1:9000/hook", "events": ["batch.exploded"]}, format="json"
    )

    assert response.status_code == 400
    assert "events" in response.json()["errors"]


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True)
def test_another_users_webhook_is_404(api_client, other_user, db):
    theirs = Endpoint.objects.create(user=other_user, url="http://127.0.0.1:9000/hook")

    assert api_client.get(f"/api/webhooks/{theirs.pk}").status_code == 404
    assert api_client.delete(f"/api/webhooks/{theirs.pk}").status_code == 404
    assert api_client.get(f"/api/webhooks/{theirs.pk}/deliveries").status_code == 404
    assert api_client.get("/api/webhooks").json()["results"] == []


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True)
def test_the_webhooks_page_adds_an_endpoint_and_shows_its_secret(logged_in_client, user, db):
    response = logged_in_client.post(
        "/webhooks/", {"url": "http://127.0.0.1:9000/hook", "events": ["batch.finished"], "description": "books"}
    )

    endpoint = Endpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/webhooks/{endpoint.pk}/"
    assert endpoint.events == ["batch.finished"]
    page = logged_in_client.get(response["Location"]).content.decode()
    assert endpoint.secret in page
    assert "Nothing sent yet." in page


def test_the_webhooks_page_says_why_an_address_is_refused(logged_in_client, db):
    response = logged_in_client.post("/webhooks/", {"url": "http://10.0.0.5/hook", "events": ["batch.finished"]})

    assert response.status_code == 400
    assert "webhooks go to public addresses only" in response.content.decode()
