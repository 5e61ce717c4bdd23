from rest_framework import serializers

from receipts.failures import failure_of
from receipts.models import Receipt


class LineItemSerializer(serializers.Serializer):
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, allow_null=True)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class ReceiptSerializer(serializers.ModelSerializer):
    line_items = LineItemSerializer(many=True, read_only=True)
    confidence = serializers.DictField(child=serializers.FloatField(), read_only=True)
    error_code = serializers.SerializerMethodField(help_text="Why it failed, as a stable code; null unless failed.")
    retryable = serializers.SerializerMethodField(help_text="Whether retrying this failed receipt can succeed.")

    class Meta:
        model = Receipt
        fields = [
            "id", "batch", "position", "original_filename", "status", "error", "error_code", "retryable", "attempts",
            "merchant", "merchant_raw", "merchant_address", "date", "total", "subtotal", "tax", "currency",
            "receipt_number", "line_items", "category", "confidence", "needs_review",
            "duplicate_of", "content_type", "size", "created_at", "finished_at",
        ]
        read_only_fields = fields

    def get_error_code(self, receipt) -> str | None:
        failure = failure_of(receipt)
        return failure.code if failure else None

    def get_retryable(self, receipt) -> bool:
        failure = failure_of(receipt)
        return bool(failure and failure.retryable)
