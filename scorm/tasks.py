"""Celery tasks for SCORM: unpacking an uploaded package."""

from celery import shared_task

from scorm.services import scorm_package_unpack


@shared_task(bind=True, acks_late=True, time_limit=30 * 60, max_retries=3)
def scorm_package_unpack_task(self, package_id: int) -> str:
    """Unpack one package; safe to run twice (a ready package is left as it is)."""
    try:
        return scorm_package_unpack(package_id=package_id).status
    except OSError as error:  # a full or unavailable disk: try again later
        raise self.retry(exc=error, countdown=60) from error
