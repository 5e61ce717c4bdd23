"""Registering endpoints and resending deliveries: one path for the pages and the API."""

from django.core.exceptions import ValidationError
from django.db import transaction

from batches.webhooks import addresses
from batches.webhooks.jobs import enqueue_delivery, on_its_way
from batches.webhooks.models import Endpoint, Event

MAX_ENDPOINTS_PER_USER = 20


def register_endpoint(user, url, events=None, description=""):
    """Check the URL (scheme, host, a public address) and save the endpoint with a new secret."""
    try:
        addresses.resolve(url)
    except addresses.RefusedAddress as exc:
        raise ValidationError(str(exc), code="refused_address") from None
    events = list(dict.fromkeys(events or Event.values))
    unknown = [name for name in events if name not in Event.values]
    if unknown:
        raise ValidationError(
            f"Unknown event {unknown[0]!r}; choose from {', '.join(Event.values)}.", code="unknown_event"
        )
    if Endpoint.objects.filter(user=user).count() >= MAX_ENDPOINTS_PER_USER:
        raise ValidationError(f"An account can have at most {MAX_ENDPOINTS_PER_USER} webhooks.", code="too_many")
    return Endpoint.objects.create(user=user, url=url, events=events, description=description)


def resend(delivery):
    """Send a delivery again (same event id, new attempts); False while it is on its way.

    A pending delivery whose job was lost (Redis was away when it was made) can be resent too.
    """
    if on_its_way(delivery):
        return False
    with transaction.atomic():
        delivery.reopen()
        transaction.on_commit(lambda: enqueue_delivery(delivery))
    return True
