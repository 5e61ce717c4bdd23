from django.contrib import admin

from batches.models import Batch, Feedback
from receipts.models import Receipt


class ReceiptInline(admin.TabularInline):
    model = Receipt
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = Receipt.BATCH_ORDER
    fields = ["original_filename", "status", "merchant", "date", "total", "currency", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "status", "source", "progress_display", "created_at", "finished_at"]
    list_filter = ["status", "source"]
    search_fields = ["id", "receipts__original_filename", "receipts__merchant"]
    readonly_fields = ["id", "user", "status", "source", "created_at", "finished_at"]
    list_select_related = ["user"]
    inlines = [ReceiptInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    @admin.display(description="Processed")
    def progress_display(self, batch):
        progress = batch.progress()
        return f"{progress.processed}/{progress.total} ({progress.failed} failed)"

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset, True


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "rating", "short_text", "batch"]
    list_filter = ["rating", "created_at"]
    search_fields = ["text", "user__username", "user__email", "batch__id"]
    readonly_fields = ["user", "batch", "text", "rating", "created_at"]
    list_select_related = ["user", "batch"]
    date_hierarchy = "created_at"

    @admin.display(description="Feedback")
    def short_text(self, feedback):
        return feedback.text if len(feedback.text) <= 120 else feedback.text[:119] + "…"

    def has_add_permission(self, request):
        return False
