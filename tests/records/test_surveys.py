"""Long-term impact: one follow-up survey per learner and course, answers reported."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from learning.records.api import EventType, record
from learning.records.models import SurveyInvitation
from learning.records.selectors import training_report
from learning.records.services import follow_up_surveys_send
from tests.factories import ProfileFactory
from tests.records.tracking import settle

pytestmark = pytest.mark.django_db


def completed(learner, *, page_id: str, when: datetime) -> None:
    # No completion endpoint to drive yet (see test_counting_rules.complete).
    with transaction.atomic():
        record(
            event_type=EventType.COURSE_COMPLETED,
            actor=learner,
            object_type="courses.coursepage",
            object_id=page_id,
            dimensions={"course": "cbrn"},
            language="en",
            occurred_at=when,
        )


def test_follow_up_survey_is_sent_once_and_its_answer_is_reported(
    settings, django_capture_on_commit_callbacks
):
    # given a learner who completed two language versions of a course in January
    settings.RECORDS_FOLLOW_UP_SURVEY_MONTHS = 6
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    learner = ProfileFactory().user
    completed(learner, page_id="1", when=datetime(2026, 1, 5, tzinfo=UTC))
    completed(learner, page_id="2", when=datetime(2026, 1, 9, tzinfo=UTC))

    # when the beat task runs before, at and after six months (twice)
    with django_capture_on_commit_callbacks(execute=True):
        early = follow_up_surveys_send(now=datetime(2026, 6, 1, tzinfo=UTC))
        due = follow_up_surveys_send(now=datetime(2026, 7, 10, tzinfo=UTC))
        again = follow_up_surveys_send(now=datetime(2026, 7, 11, tzinfo=UTC))

    # then one invitation for the course, whatever the language version
    assert (early, due, again) == (0, 1, 0)
    assert SurveyInvitation.objects.count() == 1
    assert len(mail.outbox) == 1
    link = next(word for word in mail.outbox[0].body.split() if "/survey/" in word)

    # when the learner answers through the link (twice)
    path = link.split("testserver", 1)[1]
    client = Client()
    form = client.get(path)
    answered = client.post(path, {"answer": "applied", "comment": "New SOP."})
    twice = client.post(path, {"answer": "partly"})
    settle()

    # then the answer is in the report once
    assert form.status_code == 200
    assert answered.status_code == 200
    assert twice.status_code == 400
    surveys = training_report(date(2026, 1, 1), date(2026, 12, 31))["surveys"]
    assert surveys == {"sent": 1, "answered": 1}


def test_a_forged_survey_link_is_refused():
    response = Client().get("/records/survey/forged-token/")

    assert response.status_code == 400
