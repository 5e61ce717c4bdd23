"""What the batch page says about a batch, worked out from the very rows it shows, so the counts,
the bar, the rows and the totals can never disagree."""

from collections import defaultdict
from dataclasses import dataclass, field

from batches.models import Progress
from receipts.failures import is_retryable
from receipts.models import Receipt
from receipts.money import quantize


@dataclass
class CurrencyTotal:
    currency: str
    amount: object
    count: int


@dataclass
class BatchSummary:
    receipts: list
    progress: Progress
    totals: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)  # same file as a receipt earlier in this batch
    without_total: list = field(default_factory=list)  # read, but no total was found
    retryable: list = field(default_factory=list)
    failed_for_good: list = field(default_factory=list)

    @property
    def counted(self):
        return sum(total.count for total in self.totals)

    def count_parts(self):
        """"3/5 processed", then "2 read", "1 failed", "2 in progress" (the parts that are not zero)."""
        progress = self.progress
        parts = [f"{progress.completed} read"]
        if progress.failed:
            parts.append(f"{progress.failed} failed")
        if progress.pending:
            parts.append(f"{progress.pending} in progress")
        return parts


def summarize(receipts):
    receipts = list(receipts)
    statuses = [receipt.status for receipt in receipts]
    progress = Progress(len(receipts), statuses.count(Receipt.Status.COMPLETED), statuses.count(Receipt.Status.FAILED))
    summary = BatchSummary(receipts, progress)
    in_batch = {receipt.pk: receipt for receipt in receipts}
    amounts, counts = defaultdict(int), defaultdict(int)
    for receipt in receipts:
        if receipt.status == Receipt.Status.FAILED:
            (summary.retryable if is_retryable(receipt) else summary.failed_for_good).append(receipt)
        if receipt.status != Receipt.Status.COMPLETED:
            continue
        receipt.original_in_batch = in_batch.get(receipt.duplicate_of_id)
        if receipt.original_in_batch:
            summary.duplicates.append(receipt)
        elif receipt.total is None:
            summary.without_total.append(receipt)
        else:
            amounts[receipt.currency] += receipt.total
            counts[receipt.currency] += 1
    summary.totals = [
        CurrencyTotal(currency, quantize(amounts[currency], currency), counts[currency]) for currency in sorted(amounts)
    ]
    return summary
