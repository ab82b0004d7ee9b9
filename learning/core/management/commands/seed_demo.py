"""`manage.py seed_demo`: build the quick start's demo site and users (idempotent)."""

import logging

from django.core.management.base import BaseCommand

from learning.core.demo import demo_site_seed

QUIETED_LOGGERS = ("wagtail", "django_tasks")


class Command(BaseCommand):
    help = (
        "Create the demo site (home, rooms with resources and talk, a course in "
        "two languages, webinars), one user per role and some learning activity. "
        "Running it again creates nothing new."
    )

    def handle(self, *args, **options):
        def progress(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        # Wagtail logs every page creation and task at INFO; keep the steps readable.
        for name in QUIETED_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
        result = demo_site_seed(progress=progress)
        self.stdout.write(self.style.SUCCESS("Demo content is ready. Log-ins:"))
        for account in result.accounts:
            line = f"  {account.role:<13} {account.email:<24} {account.password}"
            if account.totp_secret:
                line += f"  TOTP secret {account.totp_secret}"
            self.stdout.write(line)
