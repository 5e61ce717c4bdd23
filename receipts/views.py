"""The receipt page (with its correction form), the receipt's file and previews: owner only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from receipts.forms import ReceiptCorrectionForm
from receipts.models import Receipt
from receipts.previews import NoPreview, preview_jpeg
from receipts.services import correct_receipt

INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}


@login_required
def receipt_detail(request, receipt_id):
    receipt = get_object_or_404(Receipt.objects.select_related("batch"), pk=receipt_id, user=request.user)
    form = ReceiptCorrectionForm(request.POST or None, instance=Receipt.objects.get(pk=receipt.pk))
    if request.method == "POST" and form.is_valid():
        try:
            changes = correct_receipt(receipt, request.user, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your corrections are saved." if changes else "Nothing was changed.")
            return redirect(receipt)
    context = {"receipt": receipt, "logs": receipt.logs.all(), "form": form}
    return render(request, "receipts/detail.html", context, status=400 if form.errors else 200)


@login_required
def receipt_preview(request, receipt_id, size):
    """A small JPEG of the receipt (a PDF's first page) for lists and the receipt page."""
    receipt = get_object_or_404(Receipt, pk=receipt_id, user=request.user)
    try:
        jpeg = preview_jpeg(receipt, size)
    except NoPreview as exc:
        raise Http404(str(exc)) from None
    response = HttpResponse(jpeg, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
def receipt_file(request, receipt_id):
    """Serve the upload with its detected type, never as HTML, and only to its owner."""
    return file_response(get_object_or_404(Receipt, pk=receipt_id, user=request.user))


def file_response(receipt):
    """The receipt's stored file streamed through the app (from disk or the bucket), never a link to storage."""
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
