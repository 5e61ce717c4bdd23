from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "batches.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from batches.webhooks import events  # noqa: F401  (connects the event receivers)
