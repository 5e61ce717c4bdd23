from io import StringIO

from django.core.management import call_command

from batches.services import create_batch
from tests.conftest import empty_redis_database


def test_sweep_command_reports_what_it_requeued(user, receipt_files, transactional_db, settings):
    create_batch(user, receipt_files(2))
    empty_redis_database()
    settings.RECEIPT_REQUEUE_GRACE = 0
    first, second = StringIO(), StringIO()

    call_command("requeue_lost_receipts", stdout=first)
    call_command("requeue_lost_receipts", stdout=second)

    assert first.getvalue().strip() == "Re-enqueued 2 receipt(s)."
    assert second.getvalue().strip() == "Re-enqueued 0 receipt(s)."


def test_sweep_leaves_freshly_queued_receipts_alone(user, receipt_files, transactional_db):
    create_batch(user, receipt_files(2))
    empty_redis_database()
    out = StringIO()

    call_command("requeue_lost_receipts", stdout=out)

    assert out.getvalue().strip() == "Re-enqueued 0 receipt(s)."
