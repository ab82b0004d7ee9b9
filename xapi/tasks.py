"""Celery tasks of the LRS: materialise the platform's own events as statements."""

from celery import shared_task

from xapi import ingestion, platform


@shared_task(
    bind=True,
    name="xapi.xapi_platform_statements_task",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_kwargs={"max_retries": 5},
)
def xapi_platform_statements_task(self) -> int:
    """Store the statements of events recorded since the last run; idempotent."""
    return platform.platform_statements_materialise()


@shared_task(
    bind=True,
    name="xapi.xapi_incoming_statements_task",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_kwargs={"max_retries": 5},
)
def xapi_incoming_statements_task(self, statement_ids: list[str] | None = None) -> int:
    """Take client completion statements in as learning events, once each.

    With ids (enqueued when they commit): those statements. Without (beat): a
    sweep of every statement stored since the last sweep. Idempotent.
    """
    if statement_ids is not None:
        return ingestion.incoming_statements_ingest(statement_ids=statement_ids)
    return ingestion.incoming_statements_sweep()
