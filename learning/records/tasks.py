"""Celery tasks: drain the stream, roll up dirty days, send follow-up surveys."""

from celery import shared_task

from learning.records import services


@shared_task(name="records.records_drain_task", ignore_result=True)
def records_drain_task() -> int:
    """Move buffered events from Redis to PostgreSQL; safe to run concurrently."""
    stored = services.stream_drain()
    if stored:
        records_rollup_task.delay()
    return stored


@shared_task(
    bind=True,
    name="records.records_rollup_task",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_kwargs={"max_retries": 5},
)
def records_rollup_task(self) -> int:
    """Recompute the roll-ups of the days whose events changed; idempotent."""
    return services.rollup_dirty_days()


@shared_task(name="records.follow_up_survey_send_task", ignore_result=True)
def follow_up_survey_send_task() -> int:
    """Send the follow-up surveys that are due; never twice to a learner and object."""
    return services.follow_up_surveys_send()
