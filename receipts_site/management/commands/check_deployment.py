"""manage.py check_deployment --url URL --token TOKEN [--timeout SECONDS]: the staging check."""

from django.core.management.base import BaseCommand, CommandError

from receipts_site.deployment_check import run_check


class Command(BaseCommand):
    help = (
        "Upload a built-in sample batch (a receipt of each supported type and a broken file) to a running "
        "deployment and check the results, retry, export, the batch page and /healthz. Exits 0 only when all hold."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="The deployment's base URL, e.g. https://staging.example.com")
        parser.add_argument("--token", required=True, help="An API token of a user in the batch upload rollout")
        parser.add_argument("--timeout", type=float, default=300, help="Seconds to wait in all (default 300)")

    def handle(self, *args, url, token, timeout, **options):
        def report(ok, sentence):
            style = self.style.SUCCESS if ok else self.style.ERROR
            self.stdout.write(style(f"{'ok  ' if ok else 'FAIL'} {sentence}"))

        failures = run_check(url, token, timeout, report)
        if failures:
            raise CommandError(f"The deployment at {url} failed {len(failures)} check(s): " + " | ".join(failures))
        self.stdout.write(self.style.SUCCESS(f"The deployment at {url} passed every check."))
