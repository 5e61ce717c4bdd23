from django.contrib import admin, messages

from receipts.jobs import retry_receipts
from receipts.models import ProcessingLog, Receipt


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
        "id", "batch", "user", "file", "original_filename", "size", "content_type", "sha256",
        "attempts", "error_kind", "error", "ocr_source", "merchant_raw", "timings", "duplicate_of",
        "created_at", "enqueued_at", "started_at", "finished_at",
    ]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    inlines = [ProcessingLogInline]
    actions = ["retry_selected"]

    @admin.action(description="Retry selected receipts")
    def retry_selected(self, request, queryset):
        """Queue again the failed ones that can succeed; say what was left as it was, and why."""
        outcome = retry_receipts(list(queryset), request.user, "admin")
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


def pluralize(count):
    return "" if count == 1 else "s"


def were(items):
    return "was" if len(items) == 1 else "were"


def they(items):
    return "it" if len(items) == 1 else "they"
