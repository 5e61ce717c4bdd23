"""Small things a person sees: the login form, the skip link and icon, pictures' text, the admin's
order, and a damaged file's thumbnail."""

from decimal import Decimal

from batches.services import create_batch
from receipts.errors import DamagedFile
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png


def test_a_wrong_password_keeps_the_username(client, user):
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})

    page = response.content.decode()
    assert 'value="alice"' in page
    assert "Your username and password didn" in page


def test_every_page_has_a_skip_link_and_an_icon(logged_in_client):
    page = logged_in_client.get("/batches/").content.decode()

    assert '<a class="skip-link" href="#main">Skip to content</a>' in page
    assert 'rel="icon"' in page and "favicon.svg" in page


def test_thumbnails_say_what_they_show(logged_in_client, user, db):
    batch = create_batch(user, [upload("lunch.png", receipt_png(), "image/png")])

    page = logged_in_client.get(f"/batches/{batch.id}/").content.decode()

    assert 'alt="Receipt lunch.png"' in page


def test_a_file_found_damaged_when_read_asks_for_no_thumbnail(logged_in_client, user, db):
    batch = create_batch(user, [upload("torn.png", receipt_png(), "image/png")])
    receipt = batch.receipts.get()
    receipt.claim_for_processing()
    receipt.mark_failed(DamagedFile())

    page = logged_in_client.get(f"/batches/{batch.id}/").content.decode()

    assert f"/receipts/{receipt.id}/thumbnail" not in page
    assert 'class="thumb thumb-missing"' in page


def test_the_admin_lists_a_batchs_receipts_in_their_order(client, staff_user, user, db):
    names = ["c.png", "a.png", "b.png"]
    batch = create_batch(user, [upload(name, receipt_png(), "image/png") for name in names])
    Receipt.objects.filter(batch=batch).update(total=Decimal("1.00"))
    client.force_login(staff_user)

    page = client.get(f"/admin/batches/batch/{batch.id}/change/").content.decode()

    assert page.index("c.png") < page.index("a.png") < page.index("b.png")
