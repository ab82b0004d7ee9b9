"""Reminders a day and an hour before, sent by a real Celery worker from beat's task."""

import email
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import wait_until
from tests.webinars.factories import practitioner, webinar_build
from webinars.tasks import reminders_send_due_task


@pytest.fixture
def worker_mail(transactional_db, tmp_path, monkeypatch, request):
    """A real worker whose e-mail goes to files in a directory of this test."""
    directory = tmp_path / "mail"
    directory.mkdir()
    monkeypatch.setenv(
        "TEST_WORKER_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    monkeypatch.setenv("TEST_WORKER_EMAIL_FILE_PATH", str(directory))
    request.getfixturevalue("celery_worker")
    return directory


def messages_in(directory) -> list:
    found = []
    for path in sorted(directory.iterdir()):
        # The file backend appends every message of a connection to one file.
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found.append(email.message_from_string(chunk.strip()))
    return found


def run_reminders() -> int:
    return reminders_send_due_task.delay().get(timeout=60)


def register(client, user, webinar):
    client.force_login(user)
    client.post(reverse("webinars:register", args=[webinar.pk]))


def test_beat_runs_the_reminder_task_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["webinars-reminders"]

    assert entry["task"] == reminders_send_due_task.name
    assert entry["schedule"] <= 600


def test_day_reminder_goes_once_in_each_registrants_language(client, worker_mail):
    # given
    webinar = webinar_build(starts_in=timedelta(hours=20), time_zone="UTC")
    english, french = practitioner(), practitioner(preferred_language="fr")
    register(client, english, webinar)
    register(client, french, webinar)
    # when
    first_run = run_reminders()
    second_run = run_reminders()
    # then
    sent = wait_until(
        lambda: len(messages_in(worker_mail)) == 2 and messages_in(worker_mail),
        timeout=30,
        message="The worker did not write two reminders.",
    )
    assert (first_run, second_run) == (2, 0)
    languages = {message["To"]: message["Content-Language"] for message in sent}
    assert languages == {english.email: "en", french.email: "fr"}
    start = webinar.starts_at.strftime("%Y-%m-%d %H:%M")
    assert all(f"{start} UTC" in message.get_payload() for message in sent)


def test_a_moved_webinar_gets_a_reminder_for_its_new_time_only(client, worker_mail):
    # given: reminded for the original time
    webinar = webinar_build(starts_in=timedelta(hours=20), time_zone="UTC")
    old_start = webinar.starts_at.strftime("%Y-%m-%d %H:%M")
    register(client, practitioner(), webinar)
    run_reminders()
    # when: moved by two hours, then later into its last hour
    webinar.starts_at += timedelta(hours=2)
    webinar.save_revision().publish()
    moved_start = webinar.starts_at.strftime("%Y-%m-%d %H:%M")
    moved_run = run_reminders()
    repeat_run = run_reminders()
    webinar.starts_at = timezone.now() + timedelta(minutes=40)
    webinar.save_revision().publish()
    final_start = webinar.starts_at.strftime("%Y-%m-%d %H:%M")
    hour_run = run_reminders()
    # then
    sent = wait_until(
        lambda: len(messages_in(worker_mail)) == 3 and messages_in(worker_mail),
        timeout=30,
        message="The worker did not write three reminders.",
    )
    assert (moved_run, repeat_run, hour_run) == (1, 0, 1)
    announced = sorted(
        (
            "hour" if "less than an hour" in message.get_payload() else "day",
            message.get_payload().split("Starts: ")[1][:20],
        )
        for message in sent
    )
    assert announced == sorted(
        [
            ("day", f"{old_start} UTC"),
            ("day", f"{moved_start} UTC"),
            ("hour", f"{final_start} UTC"),
        ]
    )


def test_no_reminder_for_cancelled_or_waiting_registrations(client, worker_mail):
    webinar = webinar_build(starts_in=timedelta(hours=5), capacity=1)
    seated, waiting, gone = practitioner(), practitioner(), practitioner()
    register(client, seated, webinar)
    register(client, waiting, webinar)
    register(client, gone, webinar)
    client.force_login(gone)
    client.post(reverse("webinars:cancel", args=[webinar.pk]))

    sent_count = run_reminders()

    wait_until(
        lambda: messages_in(worker_mail),
        timeout=30,
        message="The worker wrote no reminder.",
    )
    assert sent_count == 1
    assert [message["To"] for message in messages_in(worker_mail)] == [seated.email]
