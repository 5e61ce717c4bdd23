"""The project's own load test: `scripts/loadtest.sh` (see README, *Load testing*).

It starts a whole stack (the web server, RQ workers, the sweep, its own Redis and a fresh
PostgreSQL database), sends concurrent batches of synthetic receipts from many users while
polling their progress the way the batch page does, and prints what it measured.
"""
