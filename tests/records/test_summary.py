"""The annual summary: figures written as sentences, with plurals and separators."""

from datetime import date

import pytest

from learning.records.summary import period_phrase, summary_sentences, summary_text


def report(**changes) -> dict:
    """A training report (selectors.training_report's shape) with zero figures."""
    base = {
        "period": {"start": "2020-01-01", "end": "2020-12-31"},
        "practitioners_trained": 0,
        "completions": {"total": 0, "learners": 0, "countries": 0},
        "recordings": {"views": 0, "downloads": 0, "total": 0},
        "resources": {"views": 0, "downloads": 0},
        "webinars": {
            "delivered": 0,
            "by_language": {},
            "participants": 0,
            "registrations": 0,
        },
        "sessions": {"held": 0, "participants": 0},
        "enrolments": {"total": 0, "learners": 0},
        "rooms": {"active": 0, "members": 0},
        "surveys": {"sent": 0, "answered": 0},
        "definitions": {"version": "2026.1", "rules": {}},
        "fresh_to": "2021-01-02T00:00:00+00:00",
    }
    for key, value in changes.items():
        if isinstance(value, dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base


def test_the_seed_reports_figures_read_as_in_the_seed_report():
    figures = report(
        practitioners_trained=723,
        recordings={"total": 2325},
        completions={"total": 1204, "learners": 1204, "countries": 93},
        webinars={
            "delivered": 11,
            "participants": 571,
            "by_language": {"en": 6, "fr": 3, "es": 2},
        },
    )

    sentences = summary_sentences(
        figures,
        courses={"ct": {"learners": 1204, "countries": 93}},
        course_titles={"ct": "Counter-terrorism legal framework"},
    )

    assert sentences == [
        "In 2020, 723 practitioners were trained through the platform.",
        "Recordings were viewed or downloaded 2,325 times in 2020.",
        "1,204 practitioners from 93 countries completed a course in 2020.",
        "1,204 practitioners from 93 countries completed the course "
        "“Counter-terrorism legal framework” in 2020.",
        "11 webinars were delivered to 571 participants, in English, French or "
        "Spanish.",
    ]


def test_one_of_each_is_written_in_the_singular():
    figures = report(
        practitioners_trained=1,
        recordings={"total": 1},
        completions={"total": 1, "learners": 1, "countries": 1},
        webinars={"delivered": 1, "participants": 1, "by_language": {"en": 1}},
        sessions={"held": 1, "participants": 1},
        enrolments={"total": 1, "learners": 1},
        rooms={"active": 1, "members": 1},
        resources={"views": 1, "downloads": 2},
        surveys={"answered": 1},
    )

    sentences = summary_sentences(figures)

    assert sentences == [
        "In 2020, 1 practitioner was trained through the platform.",
        "Recordings were viewed or downloaded once in 2020.",
        "1 practitioner from 1 country completed a course in 2020.",
        "1 webinar was delivered to 1 participant, in English.",
        "1 live session was held, with 1 participant.",
        "1 practitioner enrolled in courses (1 enrolment).",
        "1 iRoom was active, with 1 member.",
        "Resources were viewed once and downloaded twice.",
        "1 follow-up survey on the use of the training was answered.",
    ]


def test_a_year_without_activity_says_so_rather_than_zero():
    sentences = summary_sentences(report())

    assert sentences == [
        "In 2020, no practitioners were trained through the platform.",
        "No recordings were viewed or downloaded in 2020.",
    ]


@pytest.mark.parametrize(
    ("start", "end", "phrase"),
    [
        (date(2020, 1, 1), date(2020, 12, 31), "in 2020"),
        (date(2020, 3, 1), date(2020, 6, 30), "between 1 March 2020 and 30 June 2020"),
        (
            date(2019, 1, 1),
            date(2020, 12, 31),
            "between 1 January 2019 and 31 December 2020",
        ),
        (date(2020, 5, 4), date(2020, 5, 4), "on 4 May 2020"),
    ],
)
def test_the_period_is_written_as_a_year_or_a_range(start, end, phrase):
    assert period_phrase(start, end) == phrase


def test_a_date_range_starts_its_first_sentence_with_a_capital():
    figures = report(
        period={"start": "2020-03-01", "end": "2020-06-30"}, practitioners_trained=5
    )

    assert summary_sentences(figures)[0] == (
        "Between 1 March 2020 and 30 June 2020, 5 practitioners were trained "
        "through the platform."
    )


def test_the_text_names_the_definitions_and_freshness():
    text = summary_text(report(practitioners_trained=3))

    assert text.startswith("In 2020, 3 practitioners were trained")
    assert "definitions version 2026.1" in text
    assert "fresh to 2021-01-02T00:00:00+00:00" in text
