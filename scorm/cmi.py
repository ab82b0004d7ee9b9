"""The CMI data model the server accepts and returns, for SCORM 1.2 and 2004.

The browser runtime (templates/scorm/runtime.js) checks every call as the standards
require; the server checks again what a commit may store, because the content
origin runs a package's own JavaScript, which may send anything.
"""

import re
from decimal import Decimal, InvalidOperation

MAX_COMMIT_BYTES = 256 * 1024

STATUS_12 = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"}
EXIT_12 = {"time-out", "suspend", "logout", ""}
COMPLETION_2004 = {"completed", "incomplete", "not attempted", "unknown"}
SUCCESS_2004 = {"passed", "failed", "unknown"}
EXIT_2004 = {"time-out", "suspend", "logout", "normal", ""}

# Elements a SCO may write (and the server keeps), by standard, with a max length.
WRITABLE_12 = {
    "cmi.core.lesson_location": 255,
    "cmi.core.lesson_status": 13,
    "cmi.core.score.raw": 20,
    "cmi.core.score.min": 20,
    "cmi.core.score.max": 20,
    "cmi.core.exit": 8,
    "cmi.core.session_time": 20,
    "cmi.suspend_data": 4096,
    "cmi.comments": 4096,
    "cmi.student_preference.audio": 10,
    "cmi.student_preference.language": 255,
    "cmi.student_preference.speed": 10,
    "cmi.student_preference.text": 10,
}
WRITABLE_2004 = {
    "cmi.location": 1000,
    "cmi.completion_status": 13,
    "cmi.success_status": 7,
    "cmi.score.scaled": 20,
    "cmi.score.raw": 20,
    "cmi.score.min": 20,
    "cmi.score.max": 20,
    "cmi.progress_measure": 20,
    "cmi.exit": 8,
    "cmi.session_time": 40,
    "cmi.suspend_data": 64000,
    "cmi.learner_preference.audio_level": 20,
    "cmi.learner_preference.language": 250,
    "cmi.learner_preference.delivery_speed": 20,
    "cmi.learner_preference.audio_captioning": 2,
    "adl.nav.request": 4000,
}
# Collections (interactions, objectives, comments) are kept as the SCO wrote them.
ARRAY_ELEMENT = re.compile(
    r"^cmi\.(interactions|objectives|comments_from_learner)\.\d{1,4}\.[a-z_.0-9]+$"
)
TIME_12 = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2})(\.\d{1,2})?$")
TIME_2004 = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?"
    r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?$"
)


class CmiError(ValueError):
    """A commit holds an element or value the data model does not allow."""


def seconds_from_timespan(value: str, *, standard: str) -> int:
    """Whole seconds of a CMITimespan (1.2) or an ISO 8601 duration (2004)."""
    if not value:
        return 0
    if standard == "scorm12":
        match = TIME_12.match(value)
        if not match:
            raise CmiError(f"Not a CMITimespan: {value!r}.")
        hours, minutes, seconds, _fraction = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds)
    match = TIME_2004.match(value)
    if not match or value in ("P", "PT") or value.endswith("T"):
        raise CmiError(f"Not an ISO 8601 duration: {value!r}.")
    years, months, days, hours, minutes, seconds = (
        Decimal(part or 0) for part in match.groups()
    )
    total = (
        years * 365 * 86400
        + months * 30 * 86400
        + days * 86400
        + hours * 3600
        + minutes * 60
        + seconds
    )
    return int(total)


def timespan_from_seconds(seconds: int, *, standard: str) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if standard == "scorm12":
        return f"{min(hours, 9999):04d}:{minutes:02d}:{secs:02d}.00"
    return f"PT{hours}H{minutes}M{secs}S"


def _decimal(value: str, *, element: str, low=None, high=None) -> Decimal | None:
    if value == "":
        return None
    try:
        number = Decimal(value)
    except InvalidOperation as error:
        raise CmiError(f"{element} must be a number.") from error
    if not number.is_finite():
        raise CmiError(f"{element} must be a number.")
    if (low is not None and number < low) or (high is not None and number > high):
        raise CmiError(f"{element} is out of range.")
    return number


def commit_clean(*, standard: str, values: dict) -> dict:
    """The values a commit may store, checked; CmiError for anything else."""
    if not isinstance(values, dict):
        raise CmiError("A commit sends an object of CMI values.")
    writable = WRITABLE_12 if standard == "scorm12" else WRITABLE_2004
    clean = {}
    for element, value in values.items():
        if not isinstance(element, str) or not isinstance(value, str | int | float):
            raise CmiError("CMI values are strings.")
        value = str(value)
        if element in writable:
            if len(value) > writable[element]:
                raise CmiError(f"{element} is too long.")
        elif ARRAY_ELEMENT.match(element):
            if len(value) > 4000:
                raise CmiError(f"{element} is too long.")
        else:
            raise CmiError(f"{element} cannot be stored.")
        clean[element] = value
    if standard == "scorm12":
        if clean.get("cmi.core.lesson_status", "not attempted") not in STATUS_12:
            raise CmiError("cmi.core.lesson_status has an unknown value.")
        if clean.get("cmi.core.exit", "") not in EXIT_12:
            raise CmiError("cmi.core.exit has an unknown value.")
        for part in ("raw", "min", "max"):
            _decimal(
                clean.get(f"cmi.core.score.{part}", ""),
                element=f"cmi.core.score.{part}",
                low=0,
                high=100,
            )
        seconds_from_timespan(clean.get("cmi.core.session_time", ""), standard=standard)
    else:
        if clean.get("cmi.completion_status", "unknown") not in COMPLETION_2004:
            raise CmiError("cmi.completion_status has an unknown value.")
        if clean.get("cmi.success_status", "unknown") not in SUCCESS_2004:
            raise CmiError("cmi.success_status has an unknown value.")
        if clean.get("cmi.exit", "") not in EXIT_2004:
            raise CmiError("cmi.exit has an unknown value.")
        _decimal(
            clean.get("cmi.score.scaled", ""),
            element="cmi.score.scaled",
            low=-1,
            high=1,
        )
        _decimal(
            clean.get("cmi.progress_measure", ""),
            element="cmi.progress_measure",
            low=0,
            high=1,
        )
        for part in ("raw", "min", "max"):
            _decimal(clean.get(f"cmi.score.{part}", ""), element=f"cmi.score.{part}")
        seconds_from_timespan(clean.get("cmi.session_time", ""), standard=standard)
    return clean


def outcome(*, standard: str, values: dict) -> dict:
    """Completion, success, score (scaled -1..1 or None), location, suspend data."""
    if standard == "scorm12":
        status = values.get("cmi.core.lesson_status", "not attempted")
        completion = {
            "passed": "completed",
            "failed": "completed",
            "completed": "completed",
            "incomplete": "incomplete",
            "browsed": "incomplete",
        }.get(status, "not attempted")
        success = status if status in ("passed", "failed") else "unknown"
        raw = _decimal(values.get("cmi.core.score.raw", ""), element="raw")
        low = _decimal(values.get("cmi.core.score.min", ""), element="min") or 0
        high = _decimal(values.get("cmi.core.score.max", ""), element="max") or 100
        scaled = None
        if raw is not None and high > low:
            scaled = ((raw - low) / (high - low)).quantize(Decimal("0.0000001"))
        return {
            "completion_status": completion,
            "success_status": success,
            "score_scaled": scaled,
            "location": values.get("cmi.core.lesson_location", ""),
            "suspend_data": values.get("cmi.suspend_data", ""),
            "exit": values.get("cmi.core.exit", ""),
            "session_time": values.get("cmi.core.session_time", ""),
        }
    scaled = _decimal(values.get("cmi.score.scaled", ""), element="scaled")
    if scaled is None:
        raw = _decimal(values.get("cmi.score.raw", ""), element="raw")
        low = _decimal(values.get("cmi.score.min", ""), element="min") or 0
        high = _decimal(values.get("cmi.score.max", ""), element="max")
        if raw is not None and high is not None and high > low:
            scaled = (raw - low) / (high - low)
    return {
        "completion_status": values.get("cmi.completion_status", "unknown"),
        "success_status": values.get("cmi.success_status", "unknown"),
        "score_scaled": (
            scaled.quantize(Decimal("0.0000001")) if scaled is not None else None
        ),
        "location": values.get("cmi.location", ""),
        "suspend_data": values.get("cmi.suspend_data", ""),
        "exit": values.get("cmi.exit", ""),
        "session_time": values.get("cmi.session_time", ""),
    }


def initial_values(
    *, standard: str, attempt, learner_id: str, learner_name: str, item: dict
) -> dict:
    """The read-only and stored values a SCO finds when it starts (resume)."""
    stored = dict(attempt.cmi)
    resumed = attempt.exit == "suspend"
    if standard == "scorm12":
        values = {
            "cmi.core.student_id": learner_id,
            "cmi.core.student_name": learner_name,
            "cmi.core.credit": "credit",
            "cmi.core.entry": "resume"
            if resumed
            else ("ab-initio" if not attempt.sessions else ""),
            "cmi.core.lesson_mode": "normal",
            "cmi.core.total_time": timespan_from_seconds(
                attempt.total_seconds, standard=standard
            ),
            "cmi.core.lesson_status": "not attempted",
            "cmi.core.lesson_location": "",
            "cmi.core.score.raw": "",
            "cmi.core.score.min": "",
            "cmi.core.score.max": "",
            "cmi.suspend_data": "",
            "cmi.launch_data": "",
            "cmi.comments": "",
            "cmi.comments_from_lms": "",
            "cmi.student_data.mastery_score": item.get("mastery_score", ""),
        }
    else:
        values = {
            "cmi._version": "1.0",
            "cmi.learner_id": learner_id,
            "cmi.learner_name": learner_name,
            "cmi.credit": "credit",
            "cmi.entry": "resume"
            if resumed
            else ("ab-initio" if not attempt.sessions else ""),
            "cmi.mode": "normal",
            "cmi.total_time": timespan_from_seconds(
                attempt.total_seconds, standard=standard
            ),
            "cmi.completion_status": "unknown",
            "cmi.success_status": "unknown",
            "cmi.launch_data": "",
        }
    for element, value in stored.items():
        # Write-only values of the last session are not handed back.
        if element.endswith(("session_time", ".exit")) or element == "adl.nav.request":
            continue
        values[element] = value
    return values
