from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    """Stored answers to POSTs sent with an Idempotency-Key; the label keeps the tables' names."""

    name = "receipts_site.idempotency"
    label = "idempotency"
    default_auto_field = "django.db.models.BigAutoField"
