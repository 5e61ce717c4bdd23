from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from receipts.jobs import retry_receipts
from receipts.limits import TooManyPending
from receipts.models import MerchantCorrection, ProcessingLog, Receipt
from receipts.views import file_response


class ProcessingLogInline(admin.TabularInline):
    model = ProcessingLog
    extra = 0
    can_delete = False
    fields = ["created_at", "attempt", "level", "event", "message"]
    readonly_fields = fields
    ordering = ["created_at", "id"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = [
        "original_filename", "status", "merchant", "category", "date", "total", "currency",
        "needs_review", "attempts", "user", "created_at",
    ]
    list_filter = ["status", "needs_review", "category", "error_kind", "currency"]
    search_fields = ["original_filename", "merchant", "merchant_raw", "sha256"]
    readonly_fields = [
        "id", "batch", "user", "file_link", "original_filename", "size", "content_type", "sha256",
        "attempts", "error_kind", "error", "ocr_source", "merchant_raw", "timings", "duplicate_of",
        "created_at", "enqueued_at", "started_at", "finished_at",
    ]
    # The file is shown by file_link, through the admin: the form's own widget would link to storage.
    exclude = ["file"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    inlines = [ProcessingLogInline]
    actions = ["retry_selected"]

    @admin.display(description="File")
    def file_link(self, receipt):
        """A link through the admin, never to the storage itself (bucket objects stay private)."""
        if not receipt.file:
            return "-"
        url = reverse("admin:receipts_receipt_file", args=[receipt.pk])
        return format_html('<a href="{}">{}</a> ({} bytes)', url, receipt.original_filename, receipt.size)

    def get_urls(self):
        view = self.admin_site.admin_view(self.download_file)
        return [path("<uuid:receipt_id>/file/", view, name="receipts_receipt_file"), *super().get_urls()]

    def download_file(self, request, receipt_id):
        receipt = get_object_or_404(Receipt, pk=receipt_id)
        if not self.has_view_permission(request, receipt):
            raise PermissionDenied
        return file_response(receipt)

    @admin.action(description="Retry selected receipts")
    def retry_selected(self, request, queryset):
        """Queue again the failed ones that can succeed; say what was left as it was, and why."""
        try:
            outcome = retry_receipts(list(queryset), request.user, "admin")
        except TooManyPending as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        retried = len(outcome.retried)
        parts = [f"Retried {retried} failed receipt{pluralize(retried)}."]
        if outcome.permanent:
            names = ", ".join(receipt.original_filename for receipt in outcome.permanent[:5])
            parts.append(
                f"{len(outcome.permanent)} failed for good and {were(outcome.permanent)} left failed "
                f"({names}): retrying cannot help a file that is not a receipt image or is too large."
            )
        if outcome.not_failed:
            left = outcome.not_failed
            parts.append(f"{len(left)} not failed, left as {they(left)} {were(left)}.")
        self.message_user(request, " ".join(parts), messages.SUCCESS if retried else messages.WARNING)


@admin.register(MerchantCorrection)
class MerchantCorrectionAdmin(admin.ModelAdmin):
    list_display = ["printed", "merchant", "category", "user", "updated_at"]
    search_fields = ["printed", "merchant"]
    list_select_related = ["user"]


def pluralize(count):
    return "" if count == 1 else "s"


def were(items):
    return "was" if len(items) == 1 else "were"


def they(items):
    return "it" if len(items) == 1 else "they"
