"""The recovery sweep: put receipts whose job was lost back on the queue."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from redis.exceptions import RedisError

from receipts.jobs import requeue_lost_receipts


class Command(BaseCommand):
    help = (
        "Re-enqueue receipts that are queued but missing from Redis, or stuck in processing "
        "past their deadline (their worker died). Safe to run at any time, from any machine."
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
            if not every:
                return
            time.sleep(every)
