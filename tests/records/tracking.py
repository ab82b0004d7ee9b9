"""Helpers for records tests: send events the way a browser does, settle, report."""

import json
import uuid
from datetime import date

from learning.records.selectors import training_report
from learning.records.services import rollup_dirty_days, stream_drain

TRACK_URL = "/api/v1/track/"
# The stored duration (seconds) of each stand-in recording; see stand_in_catalogue.
STAND_IN_DURATIONS: dict[str, float | None] = {}


def stand_in_recording_access(*, user, object_id, dimensions):
    """Any recording id exists and is visible, with the duration a test gave it."""
    return {"duration": STAND_IN_DURATIONS.get(object_id, 600)}


def stand_in_resource_access(*, user, object_id, dimensions):
    """Any resource id exists and is visible through the room the browser named."""
    return {"dimensions": {}}


def track(client, **event):
    """POST one event to the tracking endpoint, as the player's script does."""
    event.setdefault("idempotency_key", uuid.uuid4().hex)
    return client.post(
        TRACK_URL, data=json.dumps(event), content_type="application/json"
    )


def playback(client, recording: str, seconds_played: float, duration=600, **extra):
    """Report playback of a stand-in recording whose stored duration is `duration`."""
    STAND_IN_DURATIONS[recording] = duration
    return track(
        client,
        type="recording_viewed",
        object_id=recording,
        seconds_played=seconds_played,
        duration=duration,
        **extra,
    )


def settle() -> None:
    """Run the drain and the roll-up now (in-process), as beat would shortly."""
    stream_drain()
    rollup_dirty_days()


def report_today(**filters) -> dict:
    from django.utils import timezone

    today = timezone.now().date()
    return training_report(date(today.year, 1, 1), date(today.year, 12, 31), filters)
