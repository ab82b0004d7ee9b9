"""Webinar activity driven through the web appears exactly in the training report."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.webinars.factories import (
    DATA,
    organiser,
    practitioner,
    recording_build,
    series_build,
    webinar_build,
)
from tests.webinars.reporting import (
    playback_report,
    records_stream_empty,
    report_this_year,
)


def register(client, user, webinar):
    client.force_login(user)
    client.post(reverse("webinars:register", args=[webinar.pk]))


def took_place(webinar):
    webinar.starts_at -= timedelta(days=3, hours=2)
    webinar.save_revision().publish()


def test_webinars_delivered_participants_registrations_views_and_downloads(client, db):
    # given: three webinars of one series, in English, French and Spanish
    records_stream_empty()
    series = series_build()
    english = webinar_build(series=series, title="English session", language="en")
    french = webinar_build(series=series, title="Session en français", language="fr")
    spanish = webinar_build(series=series, title="Sesión en español", language="es")
    amina, carlos, dana = (
        practitioner(email=f"{name}@example.org")
        for name in ("amina", "carlos", "dana")
    )
    # when: people register (Carlos twice, and once cancels then comes back)...
    for user in (amina, carlos, dana):
        register(client, user, english)
    register(client, carlos, english)
    register(client, amina, french)
    client.post(reverse("webinars:cancel", args=[french.pk]))
    register(client, amina, french)
    register(client, dana, spanish)
    for webinar in (english, french, spanish):
        took_place(webinar)
    # ...the organiser imports the Zoom report twice for the English webinar
    # (Amina 55 min, Carlos 10 min) and marks Amina present at the French one...
    client.force_login(organiser())
    for _ in range(2):
        client.post(
            reverse("webinars:attendance", args=[english.pk]),
            {
                "import": "1",
                "source": "zoom",
                "file": SimpleUploadedFile(
                    "zoom.csv", (DATA / "zoom_participants.csv").read_bytes()
                ),
            },
        )
    client.post(
        reverse("webinars:attendance", args=[french.pk]),
        {"mark": "1", "attended": [str(amina.pk)]},
    )
    # ...and the recording of the English webinar is played and downloaded.
    recording = recording_build(webinar=english)
    client.force_login(dana)
    for seconds in (1, 5, 15):  # one qualifying view (>= 10% of 20 s)
        playback_report(client, recording, seconds)
    download = client.get(reverse("webinars:recording_download", args=[recording.pk]))
    b"".join(download.streaming_content)
    client.get(
        reverse("webinars:recording_download", args=[recording.pk]),
        HTTP_RANGE="bytes=0-1023",
    )
    report = report_this_year()
    # then
    assert report["webinars"] == {
        "delivered": 2,
        "by_language": {"en": 1, "fr": 1},
        "participants": 2,  # Amina twice (en, fr); Carlos stayed 10 of 30 minutes
        "registrations": 5,  # 3 (en) + Amina (fr) + Dana (es)
    }
    assert report["recordings"]["views"] == 1
    assert report["recordings"]["downloads"] == 1
