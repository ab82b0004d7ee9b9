"""Records tests start from an empty stream of their own (real Redis)."""

import pytest
from django.conf import settings

from learning.records.api import tracking_access_register
from learning.records.services import stream_client
from tests.records import tracking


@pytest.fixture(autouse=True)
def empty_records_stream():
    """Each test drains what it sends; a clean stream keeps tests independent."""
    stream_client(timeout=5).delete(settings.RECORDS_STREAM_KEY)
    yield
    stream_client(timeout=5).delete(settings.RECORDS_STREAM_KEY)


@pytest.fixture
def stand_in_catalogue():
    """Counting-rule tests track made-up ids: stand-in access checks let them in.

    They stand for the rooms and webinars apps' checks (registered as those apps
    do); the real checks are proven in test_tracking_access.py.
    """
    replaced = {
        "webinars.recording": tracking_access_register(
            "webinars.recording", tracking.stand_in_recording_access
        ),
        "irooms.resource": tracking_access_register(
            "irooms.resource", tracking.stand_in_resource_access
        ),
    }
    tracking.STAND_IN_DURATIONS.clear()
    yield tracking.STAND_IN_DURATIONS
    for object_type, checker in replaced.items():
        tracking_access_register(object_type, checker)
