"""Files in S3-compatible storage (django-storages S3Storage) against a real S3-speaking server on 127.0.0.1.

moto's server answers the S3 protocol over HTTP, so uploads, the worker's read, thumbnails
and downloads all go through boto3 and the network, as they would to a real bucket.
"""

import io
import socket

import boto3
import pytest
from django.conf import settings
from django.test import override_settings
from moto.server import ThreadedMotoServer
from PIL import Image

from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png

BUCKET = "receipts-test"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "staging-key", "AWS_SECRET_ACCESS_KEY": "staging-secret"}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3(monkeypatch):
    """A moto S3 server with one empty bucket; this process and its workers store files there."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    storages = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    with override_settings(
        STORAGES=storages, AWS_STORAGE_BUCKET_NAME=BUCKET, AWS_S3_ENDPOINT_URL=endpoint, AWS_S3_REGION_NAME="us-east-1"
    ):
        yield {
            "client": client,
            "endpoint": endpoint,
            "worker_env": {
                "STORAGE_BACKEND": "storages.backends.s3.S3Storage",
                "AWS_STORAGE_BUCKET_NAME": BUCKET,
                "AWS_S3_ENDPOINT_URL": endpoint,
                "AWS_S3_REGION_NAME": "us-east-1",
                **CREDENTIALS,
            },
        }
    server.stop()


@pytest.fixture
def stored_receipt(s3, api_client, run_worker):
    data = receipt_png(merchant="HARBOUR BAKERY", total="23.45")
    response = api_client.post("/api/batches", {"files": [upload("lunch.png", data, "image/png")]})
    assert response.status_code == 201
    run_worker(**s3["worker_env"])
    return Receipt.objects.get(pk=response.json()["receipts"][0]["id"]), data


def test_upload_goes_to_the_bucket_and_a_worker_reads_it_from_there(s3, stored_receipt):
    receipt, data = stored_receipt

    keys = [item["Key"] for item in s3["client"].list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"receipts/{receipt.user_id}/{receipt.pk}.png"]
    stored = s3["client"].get_object(Bucket=BUCKET, Key=keys[0])["Body"].read()
    assert stored == data
    assert receipt.status == Receipt.Status.COMPLETED
    assert str(receipt.total) == "23.45"
    assert receipt.logs.filter(event="read_file").exists()


def test_objects_are_private(s3, stored_receipt):
    receipt, _ = stored_receipt

    grants = s3["client"].get_object_acl(Bucket=BUCKET, Key=receipt.file.name)["Grants"]

    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert grants[0]["Grantee"]["Type"] == "CanonicalUser"  # the owner alone, no AllUsers grant


def test_thumbnail_is_drawn_from_the_bucket(s3, stored_receipt, logged_in_client):
    receipt, _ = stored_receipt

    response = logged_in_client.get(f"/receipts/{receipt.pk}/thumbnail")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(response.content)).size) <= 240


def test_download_is_streamed_to_the_owner_only(s3, stored_receipt, logged_in_client, client, other_user):
    receipt, data = stored_receipt

    mine = logged_in_client.get(f"/receipts/{receipt.pk}/file")
    client.force_login(other_user)
    theirs = client.get(f"/receipts/{receipt.pk}/file")

    assert mine.status_code == 200
    assert b"".join(mine.streaming_content) == data
    assert mine["Content-Type"] == "image/png"
    assert theirs.status_code == 404


def test_pages_and_api_never_link_to_the_bucket(s3, stored_receipt, logged_in_client, api_client):
    receipt, _ = stored_receipt
    host = s3["endpoint"].removeprefix("http://")

    pages = [
        logged_in_client.get(f"/batches/{receipt.batch_id}/").content.decode(),
        logged_in_client.get(f"/receipts/{receipt.pk}/").content.decode(),
        api_client.get(f"/api/receipts/{receipt.pk}").content.decode(),
        api_client.get(f"/api/batches/{receipt.batch_id}").content.decode(),
    ]

    assert all(host not in page and BUCKET not in page for page in pages)


def test_admin_links_to_the_file_through_the_admin(s3, stored_receipt, client, staff_user):
    receipt, data = stored_receipt
    client.force_login(staff_user)

    page = client.get(f"/admin/receipts/receipt/{receipt.pk}/change/").content.decode()
    download = client.get(f"/admin/receipts/receipt/{receipt.pk}/file/")

    assert f'href="/admin/receipts/receipt/{receipt.pk}/file/"' in page
    assert s3["endpoint"].removeprefix("http://") not in page
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data


def test_admin_file_link_needs_an_admin(s3, stored_receipt, logged_in_client):
    receipt, _ = stored_receipt

    response = logged_in_client.get(f"/admin/receipts/receipt/{receipt.pk}/file/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
