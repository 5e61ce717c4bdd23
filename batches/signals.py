"""Signals other parts of the site listen to (metrics, webhooks) without the batch knowing them."""

from django.dispatch import Signal

# Sent once, after commit, when a batch's last receipt is final; kwargs: batch.
batch_finished = Signal()
