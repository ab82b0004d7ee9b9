"""Staff read who opened or downloaded which private item."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.irooms.factories import (
    ResourceFactory,
    member_add,
    room_create,
    room_document,
    staff_user,
)

pytestmark = pytest.mark.django_db


def test_staff_see_a_download_in_the_audit_report_and_members_do_not():
    room = room_create()
    member = member_add(room=room)
    document = room_document(room=room, title="Investigators' manual")
    ResourceFactory(document=document, rooms=[room])
    member_client = Client()
    member_client.force_login(member)
    b"".join(member_client.get(document.url).streaming_content)
    staff = staff_user()
    staff.is_superuser = True  # Wagtail's admin needs its access permission
    staff.save()
    staff_client = Client()
    staff_client.force_login(staff)

    report = staff_client.get(reverse("irooms_access_log"))
    refused = member_client.get(reverse("irooms_access_log"))

    assert report.status_code == 200
    assert "Investigators&#x27; manual" in report.content.decode()
    assert member.username in report.content.decode()
    assert refused.status_code == 302  # Wagtail sends non-admins to log in
