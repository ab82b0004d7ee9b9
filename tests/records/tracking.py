"""Helpers for records tests: send events the way a browser does, settle, report."""

import json
import uuid
from datetime import date

from learning.records.selectors import training_report
from learning.records.services import rollup_dirty_days, stream_drain

TRACK_URL = "/api/v1/track/"


def track(client, **event):
    """POST one event to the tracking endpoint, as the player's script does."""
    event.setdefault("idempotency_key", uuid.uuid4().hex)
    return client.post(
        TRACK_URL, data=json.dumps(event), content_type="application/json"
    )


def playback(client, recording: str, seconds_played: float, duration=600, **extra):
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
