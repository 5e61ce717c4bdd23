"""The recovery sweep: put receipts whose job was lost back on the queue, and close finished batches.

It lives in the batches app because it does both: receipts know nothing of batches.
"""

import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection
from redis.exceptions import RedisError

from batches.services import close_finished_batches
from receipts.jobs import requeue_lost_receipts


class Command(BaseCommand):
    help = (
        "Re-enqueue receipts that are queued but missing from Redis, or whose attempt ended without "
        "a result (their worker died), failing those that used every attempt; close batches whose "
        "receipts are all final. Safe to run at any time, from any machine."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="Repeat every N seconds (0: run once).")

    def handle(self, every, **options):
        while True:
            close_old_connections()
            self.sweep_once(report_nothing=not every)
            if not every:
                return
            time.sleep(every)

    def sweep_once(self, report_nothing):
        found = self.run_task(requeue_lost_receipts)
        closed = self.run_task(close_finished_batches)
        if found is not None and (found or report_nothing):
            self.stdout.write(f"Re-enqueued {found} receipt(s).")
        if closed:
            self.stdout.write(f"Closed {closed} finished batch(es).")

    def run_task(self, task):
        """Run one task; a service that does not answer is reported and tried again next round."""
        try:
            return task()
        except RedisError as exc:
            self.stderr.write(f"Redis is not answering ({exc}); will try again.")
        except DatabaseError as exc:
            connection.close()  # a lost connection: the next round opens a fresh one
            self.stderr.write(f"The database is not answering ({exc}); will try again.")
        return None
