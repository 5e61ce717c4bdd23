from rest_framework import serializers

from receipts.models import Receipt


class LineItemSerializer(serializers.Serializer):
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, allow_null=True)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class ReceiptSerializer(serializers.ModelSerializer):
    line_items = LineItemSerializer(many=True, read_only=True)
    confidence = serializers.DictField(child=serializers.FloatField(), read_only=True)

    class Meta:
        model = Receipt
        fields = [
            "id", "batch", "position", "original_filename", "status", "error", "attempts",
            "merchant", "merchant_raw", "merchant_address", "date", "total", "subtotal", "tax", "currency",
            "receipt_number", "line_items", "category", "confidence", "needs_review",
            "duplicate_of", "content_type", "size", "created_at", "finished_at",
        ]
        read_only_fields = fields
