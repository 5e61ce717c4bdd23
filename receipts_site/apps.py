from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site's own operations: metrics, health, the deployment check."""

    name = "receipts_site"
    verbose_name = "Site"

    def ready(self):
        from receipts_site import signals  # noqa: F401  (connects the metrics receivers)
