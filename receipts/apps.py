from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class ReceiptsConfig(AppConfig):
    name = "receipts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Refuse to start with an OCR engine or locale setting that names nothing known."""
        from receipts.reading.engines import parse_engines
        from receipts.reading.locales import locale_named

        try:
            parse_engines(settings.RECEIPT_OCR_ENGINES)
            if settings.RECEIPT_LOCALE:
                locale_named(settings.RECEIPT_LOCALE)
        except ValueError as exc:
            raise ImproperlyConfigured(str(exc)) from exc
