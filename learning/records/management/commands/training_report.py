"""`manage.py training_report --year 2020 --format json`: the training figures."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from learning.records.selectors import report_rows
from learning.records.services import SCOPE_FILTERS, RecordsError
from learning.records.views import report_for_params


class Command(BaseCommand):
    help = "Print the training report for a year or a date range, as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--start", help="YYYY-MM-DD (with --end)")
        parser.add_argument("--end", help="YYYY-MM-DD (with --start), inclusive")
        parser.add_argument(
            "--format", choices=["json", "csv", "summary"], default="json"
        )
        parser.add_argument(
            "--definitions", help="counting rules version (default: current)"
        )
        parser.add_argument("--suppress", action="store_true", help="hide small cells")
        for name in SCOPE_FILTERS:
            parser.add_argument(f"--{name}", help=f"only this {name} (filters combine)")
        parser.add_argument(
            "--rollup-first",
            action="store_true",
            help="roll up pending days before reporting",
        )

    def handle(self, *args, **options):
        params = {
            "year": options["year"],
            "start": options["start"],
            "end": options["end"],
            "version": options["definitions"],
            "suppress": "1" if options["suppress"] else None,
            **{name: options[name] for name in SCOPE_FILTERS},
        }
        if options["rollup_first"]:
            from learning.records.services import rollup_dirty_days

            rollup_dirty_days()
        try:
            report = report_for_params({k: v for k, v in params.items() if v})
        except RecordsError as error:
            raise CommandError(str(error)) from error
        if options["format"] == "summary":
            from learning.records.summary import report_summary_text

            self.stdout.write(report_summary_text(report))
            return
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
            return
        writer = csv.writer(self.stdout)
        writer.writerow(["figure", "key", "value"])
        for row in report_rows(report):
            writer.writerow(row)
