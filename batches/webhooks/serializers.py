from rest_framework import serializers

from batches.webhooks.models import Attempt, Delivery, Endpoint, Event


class EndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices), required=False)

    class Meta:
        model = Endpoint
        fields = ["id", "url", "description", "events", "secret", "is_active", "created_at"]
        read_only_fields = ["id", "secret", "is_active", "created_at"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["number", "started_at", "seconds", "status_code", "succeeded", "error", "response_excerpt"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    attempts = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = ["id", "endpoint", "event", "status", "error", "payload", "created_at", "finished_at", "attempts"]
        read_only_fields = fields
