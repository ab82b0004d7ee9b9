"""Celery tasks for courses: bulk enrolment imports, run in the background."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from courses import services


@shared_task(bind=True, acks_late=True, max_retries=5)
def enrolment_import_run_task(self, import_id: int) -> str:
    """Enrol an import's rows; safe to run twice (it resumes after the rows done).

    A lost database or the time limit leaves the committed chunks done: the retry
    carries on from there. Any other error marks the import failed.
    """
    try:
        return services.enrolment_import_run(import_id=import_id).status
    except (OperationalError, SoftTimeLimitExceeded) as error:
        if self.request.retries >= self.max_retries:
            services.enrolment_import_fail(import_id=import_id)
            raise
        raise self.retry(exc=error, countdown=5) from error
    except Exception:
        services.enrolment_import_fail(import_id=import_id)
        raise
