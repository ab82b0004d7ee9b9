"""Counting rules, versioned: a change of a rule is a new version, never an edit."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MetricRule:
    """How one metric turns raw events into counted units.

    mode "each": every (de-duplicated) event is one unit;
    mode "first": one unit per learner and `unit` (the first event counts);
    mode "view": a qualifying playback or view counts unless the same learner had a
    qualifying one for the same object less than `window_minutes` before.
    """

    metric: str
    event_type: str
    mode: str
    unit: str = "object"  # "object" (object_type:object_id) or "course" (course key)
    qualifies_on_playback: bool = False


@dataclass(frozen=True)
class Definitions:
    version: str
    view_threshold_seconds: int
    view_threshold_percent: float | None
    view_window_minutes: int
    rules: dict[str, str] = field(default_factory=dict)

    metrics: tuple[MetricRule, ...] = (
        MetricRule(
            "recording_view", "recording_viewed", "view", qualifies_on_playback=True
        ),
        MetricRule("recording_download", "recording_downloaded", "each"),
        MetricRule("resource_view", "resource_viewed", "view"),
        MetricRule("resource_download", "resource_downloaded", "each"),
        MetricRule("course_enrolment", "course_enrolled", "first", unit="course"),
        MetricRule("course_completion", "course_completed", "first", unit="course"),
        MetricRule("lesson_completion", "lesson_completed", "first"),
        MetricRule("quiz_attempt", "quiz_attempted", "each"),
        MetricRule("quiz_pass", "quiz_passed", "first"),
        MetricRule("certificate", "certificate_issued", "first", unit="course"),
        MetricRule("webinar_registration", "webinar_registered", "first"),
        MetricRule("webinar_attendance", "webinar_attended", "first"),
        MetricRule("session_registration", "session_registered", "first"),
        MetricRule("session_attendance", "session_attended", "first"),
        MetricRule("room_join", "room_joined", "each"),
        MetricRule("room_leave", "room_left", "each"),
        MetricRule("survey_answer", "survey_answered", "first"),
    )

    @property
    def view_window_seconds(self) -> int:
        return self.view_window_minutes * 60

    def as_report(self) -> dict:
        return {"version": self.version, "rules": dict(self.rules)}


# Metrics whose learners make a practitioner "trained" in a period.
TRAINED_METRICS = ("course_completion", "session_attendance", "webinar_attendance")

_COMMON_RULES = {
    "download": (
        "A download counts once per completed request for the whole file; a "
        "player's range requests are not downloads."
    ),
    "practitioner_trained": (
        "A practitioner is trained in a period when they completed at least one "
        "course, or attended at least one session or webinar, in it."
    ),
    "course_completion": (
        "A course completion counts once per learner and course, whatever the "
        "language version: the first completion counts, on its day."
    ),
    "webinar_delivered": (
        "A webinar is delivered when at least one participant attended it; it is "
        "counted under the language it was delivered in."
    ),
    "participants": (
        "Webinar and session participants count once per learner and webinar or "
        "session; registrations likewise."
    ),
    "room_members": (
        "Room members are learners who joined a room before the end of the period "
        "and had not left it before the period began."
    ),
    "duplicates": "An event sent twice with the same idempotency key counts once.",
}

VERSIONS: dict[str, Definitions] = {
    "2025.1": Definitions(
        version="2025.1",
        view_threshold_seconds=60,
        view_threshold_percent=None,
        view_window_minutes=60,
        rules={
            **_COMMON_RULES,
            "recording_view": (
                "A recording view counts when the player reports at least 60 seconds "
                "played, at most once per learner and recording within 60 minutes."
            ),
            "resource_view": (
                "A resource view counts at most once per learner and resource "
                "within 60 minutes."
            ),
        },
    ),
    "2026.1": Definitions(
        version="2026.1",
        view_threshold_seconds=30,
        view_threshold_percent=0.10,
        view_window_minutes=30,
        rules={
            **_COMMON_RULES,
            "recording_view": (
                "A recording view counts when playback has really happened: the "
                "player reports at least 30 seconds or 10% of the duration played, "
                "whichever is shorter, measured on the server from the seconds "
                "played; at most once per learner and recording within 30 minutes "
                "(a new view needs 30 minutes without qualifying playback). Seeking "
                "and re-buffering do not add seconds played, so they add no views."
            ),
            "resource_view": (
                "A resource view counts at most once per learner and resource "
                "within 30 minutes."
            ),
        },
    ),
}
CURRENT_VERSION = "2026.1"


def definitions_get(version: str | None = None) -> Definitions:
    """Return the rules of `version` (the current one by default); KeyError if none."""
    return VERSIONS[version or CURRENT_VERSION]


def longest_view_window_seconds() -> int:
    return max(d.view_window_seconds for d in VERSIONS.values())
