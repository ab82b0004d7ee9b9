"""`manage.py run_platform` (what `make run` calls): the whole platform, one command."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from learning.core.platform_runner import PlatformRunner


class Command(BaseCommand):
    help = (
        "Start Redis (unless REDIS_URL is set), migrate, seed the demo, then run the "
        "web server, a Celery worker and Celery beat until Ctrl-C. The port is "
        "PORT (default 8000)."
    )
    requires_system_checks = []

    def handle(self, *args, **options):
        try:
            port = int(os.environ.get("PORT", "8000"))
        except ValueError as error:
            raise CommandError("PORT must be a number, e.g. PORT=8001.") from error
        runner = PlatformRunner(
            base_dir=settings.BASE_DIR,
            var_dir=settings.VAR_DIR,
            port=port,
            out=self.stdout,
        )
        exit_code = runner.run()
        if exit_code:
            raise SystemExit(exit_code)
