"""Downloads count once per completed whole-file request; range requests do not."""

import pytest
from django.test import Client

from tests.factories import ProfileFactory
from tests.records.tracking import report_today, settle

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.records.urls")]


def learner_client():
    client = Client()
    client.force_login(ProfileFactory().user)
    return client


def download(client, recording="9", **headers):
    response = client.get(f"/test-recordings/{recording}/", **headers)
    body = b"".join(response.streaming_content) if response.streaming else b""
    return response, body


def test_a_whole_file_download_counts_once_and_a_range_request_not_at_all():
    # given a learner whose player fetches ranges, then who downloads the file
    client = learner_client()
    ranged, _ = download(client, HTTP_RANGE="bytes=0-99")
    whole, body = download(client)
    settle()

    # then one download
    assert (ranged.status_code, whole.status_code) == (206, 200)
    assert len(body) == 8 * 1024
    recordings = report_today()["recordings"]
    assert recordings["downloads"] == 1
    assert recordings["views"] == 0
    assert recordings["total"] == 1
    assert recordings["by_recording"] == {"9": 1}


def test_each_completed_download_counts():
    client = learner_client()
    for _ in range(3):
        download(client)
    settle()

    assert report_today()["recordings"]["downloads"] == 3


def test_an_aborted_download_counts_nothing():
    # given a download the client abandons after the first chunk
    response = learner_client().get("/test-recordings/9/")
    next(iter(response.streaming_content))  # and never asks for the rest
    settle()

    # then no download is recorded
    assert report_today()["recordings"]["downloads"] == 0
