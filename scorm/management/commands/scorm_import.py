"""Import a SCORM zip from the command line: checked, stored, queued for unpacking."""

from django.core.management.base import BaseCommand, CommandError

from scorm.services import ScormError, scorm_package_create


class Command(BaseCommand):
    help = "Import a SCORM 1.2 / 2004 zip as a package (unpacked by a Celery task)."

    def add_arguments(self, parser):
        parser.add_argument("zip_path")
        parser.add_argument("--title", default="")

    def handle(self, *args, zip_path, title, **options):
        try:
            package = scorm_package_create(
                upload=zip_path, title=title, original_name=zip_path
            )
        except (ScormError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Package {package.pk} ({package.title}, SCORM {package.version}) queued."
        )
