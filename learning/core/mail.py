"""An e-mail backend that hands each message to Celery, so no request waits on SMTP."""

from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction


class CeleryEmailBackend(BaseEmailBackend):
    """Serialise messages to JSON and deliver them from a worker after commit."""

    def send_messages(self, email_messages):
        from learning.core.tasks import email_deliver_task

        payloads = [message_to_payload(message) for message in email_messages]
        for payload in payloads:
            transaction.on_commit(
                lambda payload=payload: email_deliver_task.delay(payload)
            )
        return len(payloads)


def message_to_payload(message) -> dict:
    """The JSON-safe parts of an e-mail (attachments are not sent through Celery)."""
    alternatives = getattr(message, "alternatives", [])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in alternatives
        ],
    }
