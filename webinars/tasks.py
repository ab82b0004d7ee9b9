"""Webinar tasks: due reminders (Celery beat) and reading a recording's duration."""

from celery import shared_task

from webinars import services


@shared_task(name="webinars.reminders_send_due_task")
def reminders_send_due_task() -> int:
    """Send the reminders due now; safe to run twice (each is claimed once)."""
    return services.reminders_send_due()


@shared_task(
    bind=True,
    name="webinars.recording_duration_read_task",
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_kwargs={"max_retries": 5},
)
def recording_duration_read_task(self, recording_id: int) -> float | None:
    """Read the uploaded file's duration and make the recording playable."""
    return services.recording_duration_read(recording_id=recording_id).duration_seconds
