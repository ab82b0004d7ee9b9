"""Registration, cancellation, the waiting list and the calendar file, by the web."""

from datetime import timedelta

from django.urls import reverse

from tests.webinars.factories import (
    member_add,
    practitioner,
    room_build,
    series_build,
    webinar_build,
)
from webinars.models import Registration, RegistrationStatus


def register(client, user, webinar):
    client.force_login(user)
    return client.post(reverse("webinars:register", args=[webinar.pk]))


def status_of(user, webinar) -> str:
    return Registration.objects.get(user=user, webinar=webinar).status


def test_practitioner_registers_and_sees_the_join_link(client, db):
    # given
    webinar = webinar_build()
    user = practitioner()
    # when
    response = register(client, user, webinar)
    page = client.get(webinar.url)
    # then
    assert response.status_code == 302
    assert status_of(user, webinar) == RegistrationStatus.REGISTERED
    assert "You are registered." in page.text
    assert "https://zoom.example/j/8123456789" in page.text


def test_join_link_is_hidden_until_registered(client, db):
    webinar = webinar_build()
    client.force_login(practitioner())

    page = client.get(webinar.url)

    assert page.status_code == 200
    assert "https://zoom.example/j/8123456789" not in page.text


def test_registering_twice_keeps_one_registration(client, db):
    webinar = webinar_build()
    user = practitioner()

    register(client, user, webinar)
    register(client, user, webinar)

    assert Registration.objects.filter(webinar=webinar, user=user).count() == 1


def test_full_webinar_puts_people_on_the_waiting_list_in_order(client, db):
    # given
    webinar = webinar_build(capacity=1)
    first, second, third = practitioner(), practitioner(), practitioner()
    # when
    for user in (first, second, third):
        register(client, user, webinar)
    page = client.get(webinar.url)
    # then
    assert [status_of(user, webinar) for user in (first, second, third)] == [
        "registered",
        "waitlisted",
        "waitlisted",
    ]
    assert "You are number 2 on the waiting list." in page.text


def test_cancelling_promotes_the_first_person_waiting_and_tells_them(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    webinar = webinar_build(capacity=1)
    holder, waiting_first, waiting_second = (
        practitioner(),
        practitioner(preferred_language="fr"),
        practitioner(),
    )
    for user in (holder, waiting_first, waiting_second):
        register(client, user, webinar)
    # when
    client.force_login(holder)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webinars:cancel", args=[webinar.pk]))
    # then
    assert status_of(holder, webinar) == RegistrationStatus.CANCELLED
    assert status_of(waiting_first, webinar) == RegistrationStatus.REGISTERED
    assert status_of(waiting_second, webinar) == RegistrationStatus.WAITLISTED
    assert [message.to for message in mailoutbox] == [[waiting_first.email]]


def test_a_cancelled_person_who_comes_back_queues_behind_those_waiting(client, db):
    webinar = webinar_build(capacity=1)
    holder, waiting = practitioner(), practitioner()
    register(client, holder, webinar)
    register(client, waiting, webinar)
    client.force_login(holder)
    client.post(reverse("webinars:cancel", args=[webinar.pk]))

    register(client, holder, webinar)

    assert status_of(waiting, webinar) == RegistrationStatus.REGISTERED
    assert status_of(holder, webinar) == RegistrationStatus.WAITLISTED


def test_registration_closes_when_the_webinar_has_started(client, db):
    webinar = webinar_build(starts_in=-timedelta(minutes=5))

    register(client, practitioner(), webinar)

    assert not Registration.objects.exists()


def test_non_member_cannot_register_for_a_room_webinar(client, db):
    room = room_build()
    webinar = webinar_build(series=series_build(rooms=[room]))

    response = register(client, practitioner(), webinar)

    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_room_member_sees_and_registers_for_a_room_webinar(client, db):
    room = room_build()
    webinar = webinar_build(series=series_build(rooms=[room]))
    member = practitioner()
    member_add(room=room, user=member)

    register(client, member, webinar)

    assert client.get(webinar.url).status_code == 200
    assert status_of(member, webinar) == RegistrationStatus.REGISTERED


def test_room_webinar_page_is_404_for_a_non_member(client, db):
    webinar = webinar_build(series=series_build(rooms=[room_build()]))
    client.force_login(practitioner())

    assert client.get(webinar.url).status_code == 404
    assert client.get(webinar.get_parent().url).status_code == 404


def test_calendar_file_describes_the_webinar_in_utc(client, db):
    # given
    webinar = webinar_build(title="Tracing virtual assets; a primer, part 1")
    user = practitioner()
    register(client, user, webinar)
    # when
    response = client.get(reverse("webinars:calendar", args=[webinar.pk]))
    # then
    text = response.content.decode()
    unfolded = text.replace("\r\n ", "")
    start = webinar.starts_at.strftime("%Y%m%dT%H%M%SZ")
    end = (webinar.starts_at + timedelta(minutes=90)).strftime("%Y%m%dT%H%M%SZ")
    assert response["Content-Type"].startswith("text/calendar")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert f"DTSTART:{start}\r\n" in unfolded
    assert f"DTEND:{end}\r\n" in unfolded
    assert (
        "SUMMARY;LANGUAGE=en:Tracing virtual assets\\; a primer\\, part 1" in unfolded
    )
    assert "LOCATION:https://zoom.example/j/8123456789" in unfolded
    assert f"UID:webinar-{webinar.pk}@" in unfolded
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_calendar_file_omits_the_join_link_for_people_without_a_seat(client, db):
    webinar = webinar_build()
    client.force_login(practitioner())

    text = client.get(reverse("webinars:calendar", args=[webinar.pk])).content.decode()

    assert "BEGIN:VEVENT" in text
    assert "zoom.example" not in text


def test_moving_a_webinar_raises_the_calendar_sequence(client, db):
    webinar = webinar_build()
    client.force_login(practitioner())
    url = reverse("webinars:calendar", args=[webinar.pk])
    before = client.get(url).content.decode()

    webinar.starts_at += timedelta(hours=2)
    webinar.save_revision().publish()
    after = client.get(url).content.decode()

    def sequence(text):
        return int(text.split("SEQUENCE:")[1].split("\r\n")[0])

    assert sequence(after) > sequence(before)
