"""Import a Zoom or Teams participant report (CSV) as a webinar's attendance."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from webinars.models import WebinarPage
from webinars.services import attendance_import


class Command(BaseCommand):
    help = (
        "Import a participant report: webinar_attendance_import <id> zoom|teams <csv>"
    )

    def add_arguments(self, parser):
        parser.add_argument("webinar_id", type=int)
        parser.add_argument("source", choices=["zoom", "teams"])
        parser.add_argument("path", type=Path)

    def handle(self, *args, webinar_id, source, path, **options):
        webinar = WebinarPage.objects.filter(pk=webinar_id).first()
        if webinar is None:
            raise CommandError(f"No webinar {webinar_id}.")
        try:
            report = attendance_import(
                webinar=webinar, source=source, data=path.read_bytes()
            )
        except (OSError, ValidationError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{report.matched} matched, {report.attended} attended.")
        for email in report.unmatched:
            self.stdout.write(f"unmatched: {email}")
        for row in report.bad_rows:
            self.stdout.write(f"line {row.line}: {row.reason} {row.content}")
