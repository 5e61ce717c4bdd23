"""What the database says after the load: nothing lost, nothing read twice, counts exact.

Runs inside Django (set up by loadtest.__main__ against the stack's database).
"""

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, Q
from django.test import Client
from rest_framework.authtoken.models import Token

from batches.models import Batch
from bench.loadtest.client import FINISHED as FINISHED_BATCH
from bench.loadtest.client import Account
from receipts.models import ProcessingLog, Receipt

FINAL = (Receipt.Status.COMPLETED, Receipt.Status.FAILED)


def make_accounts(prefix: str, count: int) -> list[Account]:
    """`count` users, each with an API token and a logged-in browser session."""
    accounts = []
    for number in range(1, count + 1):
        user = get_user_model().objects.create_user(f"{prefix}-{number:02d}")
        browser = Client()
        browser.force_login(user)
        accounts.append(Account(user.username, Token.objects.create(user=user).key, browser.cookies["sessionid"].value))
    return accounts


def receipt_counts() -> dict[str, int]:
    return dict(Receipt.objects.values_list("status").annotate(n=Count("id")).order_by())


@dataclass
class Outcome:
    receipts: int
    completed: int
    failed: int
    failures: dict
    lost: int
    read_more_than_once: int
    retried: int
    counts_disagree: list
    seconds: float  # first upload to last receipt finished

    @property
    def throughput(self):
        return self.completed / self.seconds if self.seconds else 0.0


def outcome(batch_ids: list[str], final_answers: dict[str, dict]) -> Outcome:
    receipts = Receipt.objects.filter(batch_id__in=batch_ids)
    ocr_reads = (
        ProcessingLog.objects.filter(receipt__batch_id__in=batch_ids, event="ocr")
        .values("receipt_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    span = receipts.aggregate(first=Min("batch__created_at"), last=Max("finished_at"))
    failures = dict(
        receipts.filter(status=Receipt.Status.FAILED).values_list("error").annotate(n=Count("id")).order_by()
    )
    return Outcome(
        receipts=receipts.count(),
        completed=receipts.filter(status=Receipt.Status.COMPLETED).count(),
        failed=receipts.filter(status=Receipt.Status.FAILED).count(),
        failures=failures,
        lost=receipts.exclude(status__in=FINAL).count(),
        read_more_than_once=ocr_reads.count(),
        retried=receipts.filter(attempts__gt=1).count(),
        counts_disagree=disagreeing_batches(batch_ids, final_answers),
        seconds=(span["last"] - span["first"]).total_seconds() if span["last"] else 0.0,
    )


def disagreeing_batches(batch_ids, final_answers) -> list[str]:
    """Batches whose stored status, or whose last API answer once finished, disagrees with their receipts.

    The answer of a batch still processing at the deadline is a past snapshot, so only its
    stored status is checked (looked at twice, as a worker may be between its two writes).
    """

    def problem(batch):
        return disagreement(batch, final_answers.get(str(batch.pk), {}))

    recheck = [str(batch.pk) for batch in counted_batches(batch_ids) if problem(batch)]
    if not recheck:
        return []
    time.sleep(2)
    return [found for batch in counted_batches(recheck) if (found := problem(batch))]


def counted_batches(batch_ids):
    return (
        Batch.objects.filter(pk__in=batch_ids)
        .order_by("pk")
        .annotate(
            n_total=Count("receipts"),
            n_completed=Count("receipts", filter=Q(receipts__status=Receipt.Status.COMPLETED)),
            n_failed=Count("receipts", filter=Q(receipts__status=Receipt.Status.FAILED)),
        )
    )


def disagreement(batch, answer) -> str:
    """What is wrong with one batch, or "" when its status and counts agree with its receipts."""
    counted = {"total": batch.n_total, "completed": batch.n_completed, "failed": batch.n_failed}
    counted["processed"] = batch.n_completed + batch.n_failed
    expected = "completed" if batch.n_failed == 0 else "completed_with_errors"
    if counted["processed"] < counted["total"]:
        expected = "processing"
    answered = {key: answer.get(key) for key in counted}
    finished_answer = answer.get("status") in FINISHED_BATCH
    if batch.status == expected and (not finished_answer or (answered, answer["status"]) == (counted, expected)):
        return ""
    return (
        f"{batch.pk}: stored {batch.status}, answered {answer.get('status')} {answered}, counted {expected} {counted}"
    )


def batch_seconds(batch_id: str) -> float | None:
    """Upload to last receipt finished, or None while any receipt is unfinished."""
    receipts = Receipt.objects.filter(batch_id=batch_id)
    if receipts.exclude(status__in=FINAL).exists():
        return None
    span = receipts.aggregate(first=Min("batch__created_at"), last=Max("finished_at"))
    return (span["last"] - span["first"]).total_seconds()


def batch_status(batch_id: str) -> str:
    """How the batch's receipts ended: their statuses, and the reason of any failure."""
    rows = Receipt.objects.filter(batch_id=batch_id).values_list("status", "error")
    return "; ".join(f"{status}{': ' + error if error else ''}" for status, error in rows)
