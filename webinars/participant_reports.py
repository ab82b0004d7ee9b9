"""Parse the participant reports that Zoom and Microsoft Teams export as CSV."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

EMAIL_HEADERS = ("user email", "email", "e-mail", "participant id (upn)")
DURATION_HEADERS = (
    "duration (minutes)",
    "total duration (minutes)",
    "in-meeting duration",
    "attendance duration",
    "duration",
)
TEAMS_DURATION = re.compile(
    r"^\s*(?:(?P<hours>\d+)\s*h)?\s*(?:(?P<minutes>\d+)\s*m(?:in)?)?"
    r"\s*(?:(?P<seconds>\d+)\s*s)?\s*$"
)
CLOCK_DURATION = re.compile(r"^\s*(\d+):(\d{2})(?::(\d{2}))?\s*$")


@dataclass
class BadRow:
    line: int
    reason: str
    content: str


@dataclass
class ParsedReport:
    """Seconds attended per e-mail (lower-cased), summed over re-joins; bad rows."""

    seconds_by_email: dict[str, int] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Teams exports UTF-16 with a byte-order mark; Zoom exports UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not a UTF-8 or UTF-16 text file (CSV).")
        ) from error


def parse_duration_seconds(value: str, *, minutes_column: bool) -> int:
    """'45' (Zoom minutes), '1h 2m 3s' / '45m' / '59s' (Teams), '1:02:03' (clock)."""
    value = value.strip()
    if not value:
        raise ValueError("empty duration")
    if minutes_column and re.fullmatch(r"\d+(\.\d+)?", value):
        return round(float(value) * 60)
    clock = CLOCK_DURATION.match(value)
    if clock:
        first, second, third = clock.groups()
        if third is None:
            return int(first) * 60 + int(second)
        return int(first) * 3600 + int(second) * 60 + int(third)
    match = TEAMS_DURATION.match(value)
    if match and any(match.groupdict().values()):
        parts = {name: int(number or 0) for name, number in match.groupdict().items()}
        return parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"]
    raise ValueError(f"unreadable duration {value!r}")


def find_column(header: list[str], candidates: tuple[str, ...]) -> int | None:
    normalised = [cell.strip().lower() for cell in header]
    for candidate in candidates:
        if candidate in normalised:
            return normalised.index(candidate)
    return None


def parse_participant_report(data: bytes) -> ParsedReport:
    """Read a Zoom or Teams participant report.

    Both put summary lines before the participant table (Teams numbers its sections);
    the table is found by its header: an e-mail column and a duration column. Rows
    end at the first blank line or the next section. Raises ValidationError when no
    participant table is found.
    """
    text = decode(data)
    # Teams separates by tabs (its dates hold commas), Zoom by commas.
    delimiter = "\t" if text.count("\t") >= text.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    report = ParsedReport()
    header_index = email_column = duration_column = None
    for index, row in enumerate(rows):
        email_at = find_column(row, EMAIL_HEADERS)
        duration_at = find_column(row, DURATION_HEADERS)
        # Zoom's meeting summary has these columns too (the host's address and the
        # meeting's length): it is the one with a meeting ID. Teams repeats them in
        # its activities section, after the participants table, which comes first.
        is_meeting_summary = find_column(row, ("meeting id",)) is not None
        if email_at is not None and duration_at is not None and not is_meeting_summary:
            header_index, email_column, duration_column = index, email_at, duration_at
            break
    if header_index is None:
        raise ValidationError(
            _(
                "No participant table found: the file needs an e-mail column and "
                "a duration column (a Zoom or Teams participant report)."
            )
        )
    minutes_column = "minutes" in rows[header_index][duration_column].lower()
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(cell.strip() for cell in row):
            break
        if len(row) == 1 and re.match(r"^\d+\.\s", row[0]):
            break  # the next Teams section
        content = delimiter.join(row)
        if len(row) <= max(email_column, duration_column):
            report.bad_rows.append(BadRow(offset, _("Missing columns."), content))
            continue
        email = row[email_column].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            report.bad_rows.append(
                BadRow(offset, _("No valid e-mail address."), content)
            )
            continue
        try:
            seconds = parse_duration_seconds(
                row[duration_column], minutes_column=minutes_column
            )
        except ValueError:
            report.bad_rows.append(BadRow(offset, _("Unreadable duration."), content))
            continue
        report.seconds_by_email[email] = report.seconds_by_email.get(email, 0) + seconds
    return report
