"""E-mail in production goes through Celery: a worker delivers what a request sends."""

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection

from tests.conftest import wait_until

pytestmark = pytest.mark.worker


@pytest.fixture
def file_delivery_environment(monkeypatch, tmp_path):
    """Make the file backend the delivery backend, writing to a fresh outbox."""
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    monkeypatch.setenv(
        "EMAIL_DELIVERY_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    monkeypatch.setenv("EMAIL_FILE_PATH", str(outbox))
    return outbox


@pytest.fixture
def file_delivering_worker(file_delivery_environment, celery_worker):
    """A real worker whose delivery backend writes each message to a file.

    The worker inherits the environment when it starts, so the environment fixture
    comes first (pytest sets fixtures up in the order they are named).
    """
    assert celery_worker.process.poll() is None
    return file_delivery_environment


def delivered_mail(outbox) -> str | None:
    """The first fully written message (the file backend ends each with a rule)."""
    for path in outbox.iterdir():
        content = path.read_text()
        if content.endswith("-" * 79 + "\n"):
            return content
    return None


def test_mail_sent_with_celery_backend_is_delivered_by_the_worker(
    file_delivering_worker,
):
    # given the production e-mail backend
    connection = get_connection("learning.core.mail.CeleryEmailBackend")
    message = EmailMultiAlternatives(
        subject="Your iRoom request was approved",
        body="Welcome to the room.",
        from_email="noreply@learning.example.org",
        to=["practitioner@example.org"],
        connection=connection,
    )
    message.attach_alternative("<p>Welcome to the room.</p>", "text/html")

    # when a request sends the message
    sent = message.send()

    # then it is queued at once and the worker delivers it through the real backend
    assert sent == 1
    content = wait_until(
        lambda: delivered_mail(file_delivering_worker),
        timeout=60,
        message="The worker did not deliver the e-mail.",
    )
    assert "Subject: Your iRoom request was approved" in content
    assert "To: practitioner@example.org" in content
    assert "<p>Welcome to the room.</p>" in content
