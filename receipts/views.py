"""The receipt page and the receipt's file, both only for the receipt's owner."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from receipts.models import Receipt

INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}


@login_required
def receipt_detail(request, receipt_id):
    receipt = get_object_or_404(Receipt.objects.select_related("batch"), pk=receipt_id, user=request.user)
    return render(request, "receipts/detail.html", {"receipt": receipt, "logs": receipt.logs.all()})


@login_required
def receipt_file(request, receipt_id):
    """Serve the upload with its detected type, never as HTML, and only to its owner."""
    receipt = get_object_or_404(Receipt, pk=receipt_id, user=request.user)
    if not receipt.file:
        raise Http404("No file is stored for this receipt.")
    content_type = receipt.content_type if receipt.content_type in INLINE_TYPES else "application/octet-stream"
    try:
        handle = receipt.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=content_type == "application/octet-stream",
        filename=receipt.original_filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
