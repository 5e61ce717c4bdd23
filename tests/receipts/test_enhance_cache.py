"""Enhancement results are cached by what they depend on, and pre-warmed from completed receipts."""

import io

from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from receipts.enhance import enhance
from receipts.enhance.caching import result_key
from receipts.enhance.local import LocalEnhancer
from receipts.models import Receipt
from receipts.reading.fields import Fields


class CountingEnhancer(LocalEnhancer):
    def __init__(self):
        self.calls = 0

    def enhance(self, fields, **kwargs):
        self.calls += 1
        return super().enhance(fields, **kwargs)


def test_the_second_enhance_of_a_receipt_is_a_cache_hit(user, db):
    first = enhance(Fields(merchant="WAL-MART #1234"), user_id=user.id, ocr_text="MILK 2.00")
    second = enhance(Fields(merchant="WAL-MART #1234"), user_id=user.id, ocr_text="MILK 2.00")

    assert (first.cached, first.source) == (False, "local")
    assert (second.cached, second.source, second.computed_by) == (True, "cache", "local")
    assert (second.merchant, second.category) == ("Walmart", "groceries")


def test_a_cache_hit_does_not_run_the_enhancer_again(user, db):
    enhancer = CountingEnhancer()
    for _ in range(3):
        enhance(Fields(merchant="JOE'S DINER"), user_id=user.id, ocr_text="LATTE 4.50", enhancer=enhancer)

    assert enhancer.calls == 1


def test_a_known_chain_is_a_cache_hit_whatever_else_the_receipt_says(user, db):
    enhance(Fields(merchant="WAL-MART #1234"), user_id=user.id, ocr_text="MILK 2.00")

    result = enhance(Fields(merchant="WALMART SUPERCENTER"), user_id=user.id, ocr_text="EGGS 3.00")

    assert result.cached


def test_an_unknown_merchant_with_other_items_is_worked_out_again(user, db):
    enhance(Fields(merchant="JONES & SONS"), user_id=user.id, ocr_text="JONES & SONS\nBREAD 3.20")

    result = enhance(Fields(merchant="JONES & SONS"), user_id=user.id, ocr_text="JONES & SONS\nUNLEADED 40.00")

    assert (result.cached, result.category) == (False, "fuel")


def test_cached_results_are_per_user(user, other_user, db):
    enhance(Fields(merchant="WAL-MART #1234"), user_id=user.id, ocr_text="")

    assert not enhance(Fields(merchant="WAL-MART #1234"), user_id=other_user.id, ocr_text="").cached


def completed_receipt(user, merchant, text, **fields):
    return Receipt.objects.create(
        user=user, original_filename="old.png", status=Receipt.Status.COMPLETED, finished_at=timezone.now(),
        merchant_raw=merchant, ocr_text=text, **fields,
    )


def prewarm_output(*args):
    out = io.StringIO()
    call_command("prewarm_enhancement_cache", *args, stdout=out)
    return out.getvalue()


def test_prewarm_writes_one_entry_per_completed_receipt(user, other_user, db):
    completed_receipt(user, "JONES & SONS", "JONES & SONS\nBREAD 3.20")
    completed_receipt(other_user, "SUNRISE MOTEL", "SUNRISE MOTEL\nROOM 2 NIGHTS")
    Receipt.objects.create(user=user, original_filename="bad.png", status=Receipt.Status.FAILED)

    assert "Wrote 2 enhancement cache entries (local-v1) from 2 completed receipts." in prewarm_output()


def test_enhance_after_prewarm_is_a_cache_hit(user, db):
    completed_receipt(user, "JONES & SONS", "JONES & SONS\nBREAD 3.20")
    prewarm_output()

    result = enhance(Fields(merchant="JONES & SONS"), user_id=user.id, ocr_text="JONES & SONS\nBREAD 3.20")

    assert (result.cached, result.category) == (True, "groceries")


def test_prewarm_does_not_write_what_is_cached_already(user, db):
    completed_receipt(user, "JONES & SONS", "JONES & SONS\nBREAD 3.20")
    completed_receipt(user, "WAL-MART #1", "MILK")
    completed_receipt(user, "WALMART SUPERCENTER", "EGGS")
    prewarm_output()

    assert "Wrote 0 enhancement cache entries" in prewarm_output()


def test_prewarm_can_take_one_users_most_recent_receipts(user, other_user, db):
    completed_receipt(user, "JONES & SONS", "JONES & SONS\nBREAD 3.20")
    completed_receipt(user, "SUNRISE MOTEL", "SUNRISE MOTEL\nROOM 2 NIGHTS")
    completed_receipt(other_user, "ACME HARDWARE", "ACME HARDWARE\nHAMMER")

    output = prewarm_output("--user", "alice", "--limit", "1")

    assert "Wrote 1 enhancement cache entries (local-v1) from 1 completed receipts." in output
    result = enhance(Fields(merchant="SUNRISE MOTEL"), user_id=user.id, ocr_text="SUNRISE MOTEL\nROOM 2 NIGHTS")
    assert (result.cached, result.category) == (True, "lodging")


def test_an_unreadable_cache_entry_is_worked_out_again(user, db):
    fields = Fields(merchant="WAL-MART #1234")
    enhance(fields, user_id=user.id, ocr_text="")
    key = result_key(LocalEnhancer(), user.id, fields.merchant, "")
    cache.set(key, {"shop": "Walmart"})

    result = enhance(fields, user_id=user.id, ocr_text="")

    assert (result.cached, result.merchant) == (False, "Walmart")
