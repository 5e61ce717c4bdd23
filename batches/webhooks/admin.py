from django.contrib import admin, messages

from batches.webhooks.models import Attempt, Delivery, Endpoint
from batches.webhooks.services import resend


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "seconds", "status_code", "succeeded", "error", "response_excerpt"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "user", "events", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "description", "user__username"]
    readonly_fields = ["secret", "created_at"]
    list_select_related = ["user"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "endpoint", "status", "created_at", "finished_at"]
    list_filter = ["status", "event"]
    search_fields = ["id", "endpoint__url", "endpoint__user__username"]
    readonly_fields = ["id", "endpoint", "event", "payload", "status", "error", "created_at", "finished_at"]
    list_select_related = ["endpoint"]
    inlines = [AttemptInline]
    actions = ["resend_selected"]

    @admin.action(description="Resend selected deliveries")
    def resend_selected(self, request, queryset):
        sent = sum(1 for delivery in queryset if resend(delivery))
        self.message_user(request, f"Resending {sent} of {queryset.count()} deliveries.", messages.SUCCESS)
