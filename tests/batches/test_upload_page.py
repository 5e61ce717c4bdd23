"""The upload page carries what the UploadZone needs, and works as a plain form without it."""


def test_upload_page_tells_the_browser_the_servers_limits(logged_in_client, settings):
    settings.RECEIPT_MAX_FILE_BYTES = 1234567
    settings.RECEIPT_MAX_FILES_PER_BATCH = 42

    page = logged_in_client.get("/").content.decode()

    assert 'data-max-file-bytes="1234567"' in page
    assert 'data-max-files="42"' in page
    assert 'data-create-url="/api/batches"' in page
    assert 'data-files-url="/api/batches/00000000-0000-0000-0000-000000000000/files"' in page


def test_upload_page_offers_the_camera_on_phones(logged_in_client):
    page = logged_in_client.get("/").content.decode()

    assert 'capture="environment"' in page
    assert 'accept="image/*"' in page


def test_upload_page_has_no_inline_script_or_style(logged_in_client):
    response = logged_in_client.get("/")
    page = response.content.decode()

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in page and " style=" not in page and "<style" not in page
