from batches.services import create_batch
from tests.conftest import upload
from tests.receipt_images import receipt_png


def test_admin_lists_receipts_with_filters_and_search(client, staff_user, user, transactional_db):
    create_batch(user, [upload("lunch.png", receipt_png(), "image/png"), upload("junk.png", b"junk")])
    client.force_login(staff_user)

    failed = client.get("/admin/receipts/receipt/", {"status__exact": "failed"}).content.decode()
    found = client.get("/admin/receipts/receipt/", {"q": "lunch"}).content.decode()

    assert "junk.png" in failed and "lunch.png" not in failed
    assert "lunch.png" in found and "junk.png" not in found


def test_admin_receipt_page_shows_its_processing_logs(client, staff_user, user, transactional_db):
    batch = create_batch(user, [upload("junk.png", b"junk")])
    receipt = batch.receipts.get()
    client.force_login(staff_user)

    page = client.get(f"/admin/receipts/receipt/{receipt.id}/change/").content.decode()

    assert "This file is not an image or a PDF (it looks like plain text)." in page
    assert "uploaded" in page


def test_admin_batch_list_shows_progress(client, staff_user, user, transactional_db):
    create_batch(user, [upload("junk.png", b"junk")])
    client.force_login(staff_user)

    page = client.get("/admin/batches/batch/").content.decode()

    assert "1/1 (1 failed)" in page


def test_queue_statistics_are_reachable_from_the_admin(client, staff_user, transactional_db):
    client.force_login(staff_user)

    index = client.get("/admin/").content.decode()
    stats = client.get("/admin/django_rq/dashboard/")

    assert "/admin/django_rq/dashboard/" in index
    assert stats.status_code == 200
    assert "receipts" in stats.content.decode()


def test_admin_links_a_receipts_file_through_a_permission_checked_view(client, staff_user, user, transactional_db):
    receipt = create_batch(user, [upload("lunch.png", receipt_png(), "image/png")]).receipts.get()
    client.force_login(staff_user)

    page = client.get(f"/admin/receipts/receipt/{receipt.id}/change/").content.decode()

    assert f'<a href="/admin/receipts/receipt/{receipt.id}/file/">lunch.png</a>' in page
    assert "/media/" not in page
    assert client.get(f"/admin/receipts/receipt/{receipt.id}/file/").status_code == 200


def test_the_download_view_still_hides_a_receipt_from_other_users(client, other_user, user, transactional_db):
    receipt = create_batch(user, [upload("lunch.png", receipt_png(), "image/png")]).receipts.get()
    client.force_login(other_user)

    assert client.get(f"/receipts/{receipt.id}/file").status_code == 404
