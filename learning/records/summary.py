"""The annual summary: the training figures written as sentences, as in a UN report."""

from datetime import date

from django.conf import settings
from django.utils.dateformat import format as date_format


def number(value: int) -> str:
    """1204 -> "1,204": figures are written with thousands separators."""
    return f"{value:,}"


def count_of(value: int, singular: str, plural: str) -> str:
    """ "1 webinar", "11 webinars", "1,204 practitioners"."""
    return f"{number(value)} {singular if value == 1 else plural}"


def times(value: int) -> str:
    """ "once", "twice", "2,325 times"."""
    return {1: "once", 2: "twice"}.get(value, f"{number(value)} times")


def join_or(items: list[str]) -> str:
    """ "English", "English or French", "English, French or Spanish"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def period_phrase(start: date, end: date) -> str:
    """ "in 2020" for a calendar year, else "between 1 March 2020 and 30 June 2020"."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and (
        start.year == end.year
    ):
        return f"in {start.year}"
    if start == end:
        return f"on {date_format(start, 'j F Y')}"
    return f"between {date_format(start, 'j F Y')} and {date_format(end, 'j F Y')}"


def _capitalised(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def language_name(code: str) -> str:
    """ "fr" -> "French": the summary is written in English."""
    names = getattr(settings, "LANGUAGE_NAMES_IN_ENGLISH", {})
    name = names.get(code) or dict(settings.LANGUAGES).get(code)
    return str(name) if name else (code or "an unrecorded language")


def summary_sentences(
    report: dict,
    *,
    courses: dict[str, dict[str, int]] | None = None,
    course_titles: dict[str, str] | None = None,
) -> list[str]:
    """The figures of `report` (selectors.training_report) as plain sentences.

    `courses` maps a course key to {"learners", "countries"}
    (selectors.completions_per_course); each course gets its own sentence, titled
    by `course_titles`. Figures of zero are written as "no ...", never "0 ...".
    """
    start = date.fromisoformat(report["period"]["start"])
    end = date.fromisoformat(report["period"]["end"])
    when = period_phrase(start, end)
    sentences = []

    trained = report["practitioners_trained"]
    if trained:
        verb = "was" if trained == 1 else "were"
        sentences.append(
            f"{_capitalised(when)}, "
            f"{count_of(trained, 'practitioner', 'practitioners')} {verb} trained "
            "through the platform."
        )
    else:
        sentences.append(
            f"{_capitalised(when)}, no practitioners were trained through the platform."
        )

    uses = report["recordings"]["total"]
    if uses:
        sentences.append(f"Recordings were viewed or downloaded {times(uses)} {when}.")
    else:
        sentences.append(f"No recordings were viewed or downloaded {when}.")

    completions = report["completions"]
    if completions["learners"]:
        sentences.append(
            f"{_practitioners_from(completions['learners'], completions['countries'])} "
            f"completed a course {when}."
        )
    titles = course_titles or {}
    for key, figures in sorted(
        (courses or {}).items(), key=lambda item: (-item[1]["learners"], item[0])
    ):
        if not figures["learners"]:
            continue
        title = titles.get(key) or f"course {key}"
        sentences.append(
            f"{_practitioners_from(figures['learners'], figures['countries'])} "
            f"completed the course “{title}” {when}."
        )

    webinars = report["webinars"]
    if webinars["delivered"]:
        verb = "was" if webinars["delivered"] == 1 else "were"
        participants = count_of(webinars["participants"], "participant", "participants")
        languages = [language_name(code) for code in webinars["by_language"]]
        in_languages = f", in {join_or(languages)}" if languages else ""
        sentences.append(
            f"{count_of(webinars['delivered'], 'webinar', 'webinars')} {verb} "
            f"delivered to {participants}{in_languages}."
        )

    sessions = report["sessions"]
    if sessions["held"]:
        verb = "was" if sessions["held"] == 1 else "were"
        sentences.append(
            f"{count_of(sessions['held'], 'live session', 'live sessions')} {verb} "
            f"held, with "
            f"{count_of(sessions['participants'], 'participant', 'participants')}."
        )

    enrolments = report["enrolments"]
    if enrolments["total"]:
        sentences.append(
            f"{count_of(enrolments['learners'], 'practitioner', 'practitioners')} "
            f"enrolled in courses "
            f"({count_of(enrolments['total'], 'enrolment', 'enrolments')})."
        )

    rooms = report["rooms"]
    if rooms["active"]:
        verb = "was" if rooms["active"] == 1 else "were"
        sentences.append(
            f"{count_of(rooms['active'], 'iRoom', 'iRooms')} {verb} active, with "
            f"{count_of(rooms['members'], 'member', 'members')}."
        )

    resources = report["resources"]
    if resources["views"] or resources["downloads"]:
        sentences.append(
            f"Resources were viewed {times(resources['views'])} and downloaded "
            f"{times(resources['downloads'])}."
            if resources["views"] and resources["downloads"]
            else (
                f"Resources were viewed {times(resources['views'])}."
                if resources["views"]
                else f"Resources were downloaded {times(resources['downloads'])}."
            )
        )

    surveys = report.get("surveys") or {}
    if surveys.get("answered"):
        verb = "was" if surveys["answered"] == 1 else "were"
        sentences.append(
            f"{count_of(surveys['answered'], 'follow-up survey', 'follow-up surveys')} "
            f"on the use of the training {verb} answered."
        )
    return sentences


def _practitioners_from(learners: int, countries: int) -> str:
    practitioners = count_of(learners, "practitioner", "practitioners")
    if not countries:
        return practitioners
    return f"{practitioners} from {count_of(countries, 'country', 'countries')}"


def summary_text(report: dict, **kwargs) -> str:
    """The summary as one paragraph of text, followed by the definitions version."""
    body = " ".join(summary_sentences(report, **kwargs))
    return (
        f"{body}\n\nCounted under definitions version "
        f"{report['definitions']['version']}; data fresh to {report['fresh_to']}.\n"
    )


def course_titles(keys) -> dict[str, str]:
    """Course key (a page's translation key) -> title, default language first."""
    import uuid

    from wagtail.models import Page

    valid = []
    for key in keys:
        try:
            valid.append(str(uuid.UUID(key)))
        except ValueError:
            continue
    titles: dict[str, str] = {}
    rows = (
        Page.objects.filter(translation_key__in=valid)
        .values_list("translation_key", "title", "locale__language_code")
        .order_by("pk")
    )
    for key, title, language in rows:
        if str(key) not in titles or language == settings.LANGUAGE_CODE:
            titles[str(key)] = title
    return titles


def report_summary_text(report: dict) -> str:
    """The summary of a report from `training_report`, per-course sentences included."""
    from learning.records.selectors import completions_per_course

    courses = completions_per_course(
        date.fromisoformat(report["period"]["start"]),
        date.fromisoformat(report["period"]["end"]),
        report.get("filters") or {},
        version=report["definitions"]["version"],
    )
    return summary_text(report, courses=courses, course_titles=course_titles(courses))
