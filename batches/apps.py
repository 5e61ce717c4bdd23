from django.apps import AppConfig


class BatchesConfig(AppConfig):
    name = "batches"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from batches.request_limits import adjust_multipart_parser

        adjust_multipart_parser()
