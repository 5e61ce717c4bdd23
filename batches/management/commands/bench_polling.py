"""How much a poll that finds nothing changed costs, next to one that sends the whole batch.

Makes BATCHES batches of RECEIPTS read receipts for a throw-away user inside a transaction that
is rolled back, polls each batch once both ways (the API's batch detail with and without
If-None-Match, the batch page's htmx partial with and without its change tag) and prints the
time per poll, the queries and bytes, and the ratios measured in this run.
"""

import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from batches.models import Batch
from receipts.models import ProcessingLog, Receipt


class Command(BaseCommand):
    help = "Measure unchanged polls (304 / 204) against full ones for many batches."

    def add_arguments(self, parser):
        parser.add_argument("--batches", type=int, default=100)
        parser.add_argument("--receipts", type=int, default=20)
        parser.add_argument("--rounds", type=int, default=3)

    @override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False)
    def handle(self, *args, batches, receipts, rounds, **options):
        with transaction.atomic():
            user = get_user_model().objects.create_user("bench-polling-user", password="x" * 20)
            ids = [make_batch(user, receipts).pk for _ in range(batches)]
            token = Token.objects.create(user=user).key
            api = Client(HTTP_AUTHORIZATION=f"Token {token}")
            page = Client(HTTP_HX_REQUEST="true")
            page.force_login(user)
            etags = {pk: api.get(f"/api/batches/{pk}")["ETag"] for pk in ids}
            tags = {pk: Batch.objects.get(pk=pk).change_tag() for pk in ids}
            results = {
                "API full (200)": measure(ids, rounds, lambda pk: api.get(f"/api/batches/{pk}")),
                "API unchanged (304)": measure(
                    ids, rounds, lambda pk: api.get(f"/api/batches/{pk}", HTTP_IF_NONE_MATCH=etags[pk])
                ),
                "page full (200)": measure(ids, rounds, lambda pk: page.get(f"/batches/{pk}/")),
                "page unchanged (204)": measure(ids, rounds, lambda pk: page.get(f"/batches/{pk}/?since={tags[pk]}")),
            }
            transaction.set_rollback(True)
        self.report(batches, receipts, results)

    def report(self, batches, receipts, results):
        self.stdout.write(f"{batches} batches of {receipts} receipts, each polled once per round:")
        for name, (seconds, queries, size, status) in results.items():
            self.stdout.write(
                f"  {name:<22} {1000 * seconds:7.2f} ms per poll, {queries:3d} queries, {size:7d} bytes (HTTP {status})"
            )
        api = results["API full (200)"][0] / results["API unchanged (304)"][0]
        page = results["page full (200)"][0] / results["page unchanged (204)"][0]
        self.stdout.write(f"  unchanged poll is {api:.1f}x cheaper on the API, {page:.1f}x on the page")
        per_second = batches * results["page unchanged (204)"][0]
        self.stdout.write(
            f"  {batches} pages polling once a second, nothing changed: {per_second:.3f} s of work per second"
        )


def measure(ids, rounds, poll):
    """Seconds per poll (best round), queries and bytes of one poll, and its status."""
    best = None
    for _ in range(rounds):
        started = time.perf_counter()
        for pk in ids:
            poll(pk)
        elapsed = (time.perf_counter() - started) / len(ids)
        best = elapsed if best is None else min(best, elapsed)
    with CaptureQueriesContext(connection) as queries:
        response = poll(ids[0])
    return best, len(queries), len(response.content), response.status_code


def make_batch(user, count):
    batch = Batch.objects.create(user=user)
    receipts = Receipt.objects.bulk_create(
        Receipt(
            user=user, batch=batch, original_filename=f"receipt-{n}.png", position=n, status=Receipt.Status.COMPLETED,
            content_type="image/png", merchant=f"Shop {n}", total=Decimal("12.34"), currency="EUR",
            line_items=[{"description": "BREAD", "quantity": None, "unit_price": None, "amount": "3.20"}],
            confidence={"merchant": 0.9, "date": 0.8, "total": 0.95},
        )
        for n in range(count)
    )
    ProcessingLog.objects.bulk_create(
        ProcessingLog(receipt=receipt, event=event, message=event)
        for receipt in receipts
        for event in ("uploaded", "claimed", "ocr", "extract", "completed")
    )
    batch.status = Batch.Status.PROCESSING  # still being polled
    batch.save(update_fields=["status"])
    return batch
