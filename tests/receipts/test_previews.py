"""Thumbnails and page previews of a receipt's file: small JPEGs, for the owner only."""

import io

import pypdfium2
from PIL import Image

from batches.services import create_batch
from tests.conftest import upload
from tests.receipt_images import receipt_lines, receipt_png, render_lines


def pdf_bytes():
    image = render_lines(receipt_lines())
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PDF")
    return buffer.getvalue()


def test_thumbnail_is_a_small_jpeg_of_the_receipt(logged_in_client, user, db):
    receipt = create_batch(user, [upload("a.png", receipt_png(), "image/png")]).receipts.get()

    response = logged_in_client.get(f"/receipts/{receipt.id}/thumbnail")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "JPEG" and max(image.size) <= 240


def test_thumbnail_of_a_pdf_draws_its_first_page(logged_in_client, user, db):
    receipt = create_batch(user, [upload("scan.pdf", pdf_bytes(), "application/pdf")]).receipts.get()
    assert len(pypdfium2.PdfDocument(pdf_bytes())) == 1

    response = logged_in_client.get(f"/receipts/{receipt.id}/preview")

    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "JPEG" and max(image.size) > 240


def test_thumbnail_of_another_users_receipt_is_404(logged_in_client, other_user, db):
    receipt = create_batch(other_user, [upload("theirs.png", receipt_png(), "image/png")]).receipts.get()

    assert logged_in_client.get(f"/receipts/{receipt.id}/thumbnail").status_code == 404
    assert logged_in_client.get(f"/receipts/{receipt.id}/preview").status_code == 404


def test_thumbnail_of_an_unreadable_file_is_404(logged_in_client, user, db):
    receipt = create_batch(user, [upload("notes.txt", b"hello")]).receipts.get()

    assert logged_in_client.get(f"/receipts/{receipt.id}/thumbnail").status_code == 404
