"""Pages: upload, the batch page with its live progress partial, and the batch history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from batches import export, polls
from batches.feedback import FeedbackForm
from batches.forms import UploadForm
from batches.models import Batch
from batches.request_limits import files_sent, upload_refused
from batches.services import PROCESSING_DELAYED, create_batch
from batches.summary import summarize
from receipts.failures import failure_of
from receipts.jobs import retry_receipts
from receipts.limits import TooManyPending
from receipts.models import Receipt
from receipts_site.throttling import (
    RetryRateThrottle,
    UploadRateThrottle,
    page_throttle_wait,
    throttled_sentence,
)

HTMX_STOP_POLLING = 286


def get_own_batch(user, batch_id):
    return get_object_or_404(Batch.objects.filter(user=user), pk=batch_id)


def batch_context(batch, change_tag=None):
    receipts = batch.receipts.order_by(*Receipt.BATCH_ORDER)
    return {"batch": batch, "summary": summarize(receipts), "change_tag": change_tag or batch.change_tag()}


@login_required
def upload(request):
    if request.method == "POST":
        wait = page_throttle_wait(request, UploadRateThrottle)
        if wait:
            return upload_refused(request, throttled_sentence(wait), 429, {"Retry-After": str(wait)})
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        try:
            files = form.cleaned_data["files"]
            batch = create_batch(request.user, files, source=Batch.Source.WEB, sent=files_sent(request))
        except TooManyPending as exc:
            return upload_refused(request, " ".join(exc.messages), 429, {"Retry-After": "60"})
        except ValidationError as exc:
            form.add_error("files", exc)
        else:
            if not batch.enqueued:
                messages.warning(request, PROCESSING_DELAYED)
            return redirect(batch)
    return render(request, "batches/upload.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def batch_list(request):
    batches = Batch.objects.filter(user=request.user).with_progress()
    page = Paginator(batches, 20).get_page(request.GET.get("page"))
    return render(request, "batches/list.html", {"page": page})


@login_required
def batch_detail(request, batch_id):
    """The batch page; its htmx poll sends the tag of what it shows and gets 204 while nothing
    changed (answered from Redis by batches/polls.py once this view has worked it out, and the
    page, with the keyboard focus, stays as it is)."""
    memo = polls.Memo(batch_id)  # before the batch is read: see batches/polls.py
    batch = get_own_batch(request.user, batch_id)
    if not request.htmx:
        return render(request, "batches/detail.html", {**batch_context(batch), "feedback_form": FeedbackForm()})
    tag = batch.change_tag()
    memo.keep(batch, tag, polls.credential_of(request))
    if not batch.is_finished and request.GET.get("since") == tag:
        return HttpResponse(status=polls.HTTP_NO_CONTENT)
    response = render(request, "batches/_progress.html", batch_context(batch, tag))
    if batch.is_finished:
        response.status_code = HTMX_STOP_POLLING
    return response


@login_required
@require_POST
def retry_failed(request, batch_id):
    """Queue again every failed receipt of the batch that can succeed ("Retry all failed")."""
    batch = get_own_batch(request.user, batch_id)
    return retry_from_page(request, batch_id, batch.receipts.filter(status=Receipt.Status.FAILED))


@login_required
@require_POST
def retry_receipt(request, batch_id, receipt_id):
    receipt = get_object_or_404(Receipt, pk=receipt_id, batch_id=batch_id, user=request.user)
    return retry_from_page(request, batch_id, [receipt])


def retry_from_page(request, batch_id, receipts):
    """Retry under the API's retry throttle and the cap on waiting receipts; say so when refused,
    and say why a receipt that failed for good was left as it was."""
    refusal = None
    wait = page_throttle_wait(request, RetryRateThrottle)
    if wait:
        refusal = throttled_sentence(wait)
    else:
        try:
            outcome = retry_receipts(receipts, request.user, "batch page")
        except TooManyPending as exc:
            refusal = " ".join(exc.messages)
        else:
            if outcome.permanent and not outcome.retried:
                refusal = failure_of(outcome.permanent[0]).why_not
    if request.htmx:  # htmx swaps only 2xx answers: the refusal is shown in the partial
        context = {**batch_context(get_own_batch(request.user, batch_id)), "refusal": refusal}
        return render(request, "batches/_progress.html", context)
    if refusal:
        messages.error(request, refusal)
    return redirect("batches:detail", batch_id=batch_id)


@login_required
def export_batch(request, batch_id, extension):
    """The batch page's CSV and JSON downloads; the API serves the same rows."""
    batch = get_object_or_404(Batch, pk=batch_id, user=request.user)
    rows = export.receipt_rows(batch)
    if extension == "csv":
        response = HttpResponse(export.rows_to_csv(rows, byte_order_mark=True), content_type="text/csv; charset=utf-8")
    else:
        response = JsonResponse(rows, safe=False)
    response["Content-Disposition"] = f'attachment; filename="{export.export_filename(batch, extension)}"'
    return response
