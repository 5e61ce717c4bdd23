from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from receipts.jobs import retry_receipts
from receipts.limits import TooManyPending
from receipts.models import MerchantCorrection, ProcessingLog, Receipt


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
        "id", "batch", "user", "stored_file", "original_filename", "size", "content_type", "sha256",
        "attempts", "error_kind", "error", "ocr_source", "merchant_raw", "timings", "duplicate_of",
        "created_at", "enqueued_at", "started_at", "finished_at",
    ]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    inlines = [ProcessingLogInline]
    actions = ["retry_selected"]
    exclude = ["file"]

    @admin.display(description="File")
    def stored_file(self, receipt):
        """Through the download view, which checks who asks; a storage URL would work for anyone."""
        if not receipt.file:
            return "No file stored"
        url = reverse("receipts:file", args=[receipt.pk])
        return format_html('<a href="{}">{}</a>', url, receipt.original_filename)

    @admin.action(description="Retry selected receipts")
    def retry_selected(self, request, queryset):
        """Queue the failed ones again; receipts in any other state are left as they are."""
        try:
            retried = retry_receipts(queryset.filter(status=Receipt.Status.FAILED), request.user, "admin")
        except TooManyPending as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        skipped = queryset.count() - len(retried)
        message = f"Retried {len(retried)} failed receipt{'s' if len(retried) != 1 else ''}."
        if skipped:
            message += f" {skipped} not failed, left as they were."
        self.message_user(request, message, messages.SUCCESS if retried else messages.WARNING)


@admin.register(MerchantCorrection)
class MerchantCorrectionAdmin(admin.ModelAdmin):
    list_display = ["printed", "merchant", "category", "user", "updated_at"]
    search_fields = ["printed", "merchant"]
    list_select_related = ["user"]
