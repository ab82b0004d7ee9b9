"""In Chromium: register, play a recording long enough, seek, play again, download."""

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import wait_until
from tests.webinars.factories import practitioner, recording_build, webinar_build
from tests.webinars.reporting import records_stream_empty, report_this_year


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def played(page) -> float:
    return page.evaluate("document.getElementById('recording-player').playedSeconds()")


def test_practitioner_plays_seeks_replays_and_downloads_counted_once_each(
    page, live_server, tmp_path
):
    # given: a webinar with a 20-second recording (a view needs 2 s played)
    records_stream_empty()
    webinar = webinar_build()
    recording = recording_build(webinar=webinar)
    user = practitioner()
    sign_in(page, live_server, user)
    # when: the practitioner registers on the webinar page...
    page.goto(live_server.url + webinar.url)
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You are registered.").first.wait_for()
    # ...plays the recording for a few seconds...
    page.goto(
        live_server.url + reverse("webinars:recording_player", args=[recording.pk])
    )
    page.evaluate(
        "() => { const v = document.getElementById('recording-player');"
        " v.muted = true; return v.play(); }"
    )
    wait_until(lambda: played(page) >= 3, timeout=30, message="The video did not play.")
    # ...seeks forward (which adds no seconds played), plays again, pauses...
    before_seek = played(page)
    page.evaluate("document.getElementById('recording-player').currentTime = 15")
    wait_until(
        lambda: page.evaluate("!document.getElementById('recording-player').seeking"),
        timeout=10,
        message="The seek did not finish.",
    )
    wait_until(
        lambda: played(page) >= before_seek + 1, timeout=30, message="No replay."
    )
    with page.expect_response(lambda answer: "/api/v1/track/" in answer.url) as sent:
        page.evaluate("document.getElementById('recording-player').pause()")
    assert sent.value.status == 202
    # ...and downloads it.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the recording").click()
    download = download_info.value
    saved = tmp_path / "saved.webm"
    download.save_as(saved)
    # then
    assert played(page) < 10  # seconds played, not the position (15 s and more)
    assert saved.stat().st_size == recording.size
    report = wait_until(
        lambda: (
            (report := report_this_year())["recordings"]["downloads"] == 1 and report
        ),
        timeout=15,
        message="The download was not counted.",
    )
    assert report["recordings"]["views"] == 1
    assert report["recordings"]["downloads"] == 1
    assert report["webinars"]["registrations"] == 1
