from django.conf import settings
from rest_framework import serializers

from batches.models import Batch
from receipts.serializers import ReceiptSerializer


class BatchSummarySerializer(serializers.ModelSerializer):
    """A batch and its counts, without its receipts: what the batch list gives."""

    total = serializers.SerializerMethodField()
    processed = serializers.SerializerMethodField()
    completed = serializers.SerializerMethodField()
    failed = serializers.SerializerMethodField()

    class Meta:
        model = Batch
        fields = [
            "id", "status", "client_reference", "total", "processed", "completed", "failed",
            "created_at", "finished_at",
        ]
        read_only_fields = fields

    def progress(self, batch):
        if not hasattr(batch, "_progress"):
            batch._progress = batch.progress()
        return batch._progress

    def get_total(self, batch) -> int:
        return self.progress(batch).total

    def get_processed(self, batch) -> int:
        return self.progress(batch).processed

    def get_completed(self, batch) -> int:
        return self.progress(batch).completed

    def get_failed(self, batch) -> int:
        return self.progress(batch).failed


class BatchSerializer(BatchSummarySerializer):
    """One batch with its receipts, in the order their files were chosen."""

    receipts = ReceiptSerializer(many=True, read_only=True)

    class Meta(BatchSummarySerializer.Meta):
        fields = [*BatchSummarySerializer.Meta.fields, "receipts"]
        read_only_fields = fields


def files_field():
    return serializers.ListField(child=serializers.FileField(), min_length=1, help_text="One or more receipt files.")


class BatchUploadSerializer(serializers.Serializer):
    """Documents the multipart body; the files themselves go straight to create_batch."""

    files = files_field()
    client_reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Your own name for the batch, unique among your batches; filter the list by it.",
    )


class BatchFilesSerializer(serializers.Serializer):
    """Files added to a batch, and where they go in it."""

    files = files_field()
    position = serializers.IntegerField(
        min_value=0,
        max_value=settings.RECEIPT_MAX_FILES_PER_BATCH - 1,
        required=False,
        help_text=(
            "Place of the first file in the batch, from 0 to one below the batch's file limit, "
            "when files are sent several at a time and may arrive out of order. By default they "
            "go after the batch's receipts."
        ),
    )


class ExportRowSerializer(serializers.Serializer):
    """Documents one row of a batch export (see batches.export.COLUMNS)."""

    id = serializers.UUIDField()
    original_filename = serializers.CharField()
    status = serializers.CharField()
    error = serializers.CharField()
    error_code = serializers.CharField(allow_null=True)
    merchant = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    subtotal = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    tax = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    category = serializers.CharField()
    receipt_number = serializers.CharField()
    needs_review = serializers.BooleanField()
    duplicate_of = serializers.UUIDField(allow_null=True, help_text="The receipt whose result was reused.")
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
