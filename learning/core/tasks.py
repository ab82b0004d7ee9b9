"""Platform tasks: e-mail delivery and the round-trip probe."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 8},
    name="core.email_deliver_task",
)
def email_deliver_task(self, payload: dict) -> None:
    """Send one message through the real delivery backend; retried on network errors."""
    alternatives = payload.pop("alternatives", [])
    message = EmailMultiAlternatives(
        connection=get_connection(settings.EMAIL_DELIVERY_BACKEND), **payload
    )
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    message.send()


@shared_task(name="core.echo_task")
def echo_task(value: str) -> str:
    """Return its argument: proves that a worker receives and answers tasks."""
    return value
