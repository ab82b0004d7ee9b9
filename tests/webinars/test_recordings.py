"""Recordings: privacy follows the room; ranged streaming; views, downloads counted."""

from django.urls import reverse

from tests.webinars.factories import (
    DATA,
    member_add,
    practitioner,
    recording_build,
    room_build,
    series_build,
    webinar_build,
)
from tests.webinars.reporting import (
    playback_report,
    records_stream_empty,
    report_this_year,
)

VIDEO = (DATA / "recording.webm").read_bytes()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def stream_url(recording) -> str:
    return reverse("webinars:recording_stream", args=[recording.pk])


def download_url(recording) -> str:
    return reverse("webinars:recording_download", args=[recording.pk])


def room_recording():
    room = room_build()
    recording = recording_build(
        webinar=webinar_build(series=series_build(rooms=[room]))
    )
    return room, recording


def test_whole_recording_is_200_with_every_byte(client, db):
    recording = recording_build(webinar=webinar_build())
    client.force_login(practitioner())

    response = client.get(stream_url(recording))

    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(VIDEO))
    assert body(response) == VIDEO


def test_range_request_is_206_with_exactly_the_bytes_asked(client, db):
    recording = recording_build(webinar=webinar_build())
    client.force_login(practitioner())

    response = client.get(stream_url(recording), HTTP_RANGE="bytes=1000-1999")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-1999/{len(VIDEO)}"
    assert response["Content-Length"] == "1000"
    assert body(response) == VIDEO[1000:2000]


def test_open_and_suffix_ranges_serve_the_end_of_the_file(client, db):
    recording = recording_build(webinar=webinar_build())
    client.force_login(practitioner())

    open_ended = client.get(
        stream_url(recording), HTTP_RANGE=f"bytes={len(VIDEO) - 10}-"
    )
    suffix = client.get(stream_url(recording), HTTP_RANGE="bytes=-500")

    assert open_ended.status_code == 206
    assert body(open_ended) == VIDEO[-10:]
    assert (
        suffix["Content-Range"]
        == f"bytes {len(VIDEO) - 500}-{len(VIDEO) - 1}/{len(VIDEO)}"
    )
    assert body(suffix) == VIDEO[-500:]


def test_range_beyond_the_end_is_416(client, db):
    recording = recording_build(webinar=webinar_build())
    client.force_login(practitioner())

    response = client.get(stream_url(recording), HTTP_RANGE=f"bytes={len(VIDEO)}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(VIDEO)}"


def test_room_recording_is_404_for_a_non_member_and_anonymous(client, db):
    _room, recording = room_recording()
    player = reverse("webinars:recording_player", args=[recording.pk])

    anonymous = [client.get(url).status_code for url in (player, stream_url(recording))]
    client.force_login(practitioner())
    stranger = [
        client.get(url).status_code
        for url in (player, stream_url(recording), download_url(recording))
    ]

    assert anonymous == [404, 404]
    assert stranger == [404, 404, 404]


def test_room_recording_plays_for_a_member(client, db):
    room, recording = room_recording()
    member = practitioner()
    member_add(room=room, user=member)
    client.force_login(member)

    player = client.get(reverse("webinars:recording_player", args=[recording.pk]))
    response = client.get(stream_url(recording), HTTP_RANGE="bytes=0-99")

    assert player.status_code == 200
    assert stream_url(recording) in player.text
    assert body(response) == VIDEO[:100]


def test_download_is_an_attachment_counted_once_per_full_file(client, db):
    # given
    records_stream_empty()
    recording = recording_build(webinar=webinar_build(), title="Session 1")
    client.force_login(practitioner())
    # when
    download = client.get(download_url(recording))
    content = body(download)
    client.get(download_url(recording), HTTP_RANGE="bytes=0-99").getvalue()
    body(client.get(stream_url(recording)))  # the player, not a download
    report = report_this_year()
    # then
    assert download["Content-Disposition"].startswith(
        'attachment; filename="Session 1.webm"'
    )
    assert content == VIDEO
    assert report["recordings"]["downloads"] == 1


def test_an_interrupted_download_is_not_counted(client, db):
    records_stream_empty()
    recording = recording_build(webinar=webinar_build())
    client.force_login(practitioner())

    response = client.get(download_url(recording))
    next(iter(response.streaming_content))  # the client goes away after one chunk
    report = report_this_year()

    assert report["recordings"]["downloads"] == 0


def test_playback_reports_count_one_view_within_thirty_minutes(client, db):
    # given: a 20-second recording, so 10% (2 s) is enough to count
    records_stream_empty()
    recording = recording_build(webinar=webinar_build())
    client.force_login(practitioner())
    # when
    playback_report(client, recording, 1)
    playback_report(client, recording, 3)
    playback_report(client, recording, 12)
    report = report_this_year()
    # then
    assert report["recordings"]["views"] == 1
