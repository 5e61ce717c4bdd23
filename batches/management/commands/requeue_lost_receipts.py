"""The recovery sweep: put receipts whose job was lost back on the queue, and close finished batches.

It lives in the batches app because it does both: receipts know nothing of batches.
"""

import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
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
            try:
                found = requeue_lost_receipts()
            except RedisError as exc:
                self.stderr.write(f"Redis is not answering ({exc}); will try again.")
            else:
                if found or not every:
                    self.stdout.write(f"Re-enqueued {found} receipt(s).")
            try:
                closed = close_finished_batches()
            except DatabaseError as exc:
                self.stderr.write(f"The database is not answering ({exc}); will try again.")
            else:
                if closed:
                    self.stdout.write(f"Closed {closed} finished batch(es).")
            if not every:
                return
            time.sleep(every)
