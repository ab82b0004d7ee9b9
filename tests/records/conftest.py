"""Records tests start from an empty stream of their own (real Redis)."""

import pytest
from django.conf import settings

from learning.records.services import stream_client


@pytest.fixture(autouse=True)
def empty_records_stream():
    """Each test drains what it sends; a clean stream keeps tests independent."""
    stream_client(timeout=5).delete(settings.RECORDS_STREAM_KEY)
    yield
    stream_client(timeout=5).delete(settings.RECORDS_STREAM_KEY)
