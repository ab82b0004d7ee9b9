"""Settle the learning records (drain the stream, roll up) and read the report."""

import json
import uuid
from datetime import date

from django.conf import settings
from django.utils import timezone

from learning.records.selectors import training_report
from learning.records.services import rollup_dirty_days, stream_client, stream_drain


def records_stream_empty() -> None:
    stream_client(timeout=5).delete(settings.RECORDS_STREAM_KEY)


def report_this_year(**filters) -> dict:
    stream_drain(max_seconds=5)
    rollup_dirty_days()
    today = timezone.now().date()
    return training_report(date(today.year, 1, 1), date(today.year, 12, 31), filters)


def playback_report(client, recording, seconds_played: float):
    """What the player's script posts to the tracking endpoint."""
    return client.post(
        "/api/v1/track/",
        data=json.dumps(
            {
                "type": "recording_viewed",
                "idempotency_key": uuid.uuid4().hex,
                "object_id": str(recording.pk),
                "webinar": str(recording.webinar_id),
                "seconds_played": seconds_played,
                "duration": recording.duration_seconds,
                "language": recording.webinar.delivery_language,
            }
        ),
        content_type="application/json",
    )
