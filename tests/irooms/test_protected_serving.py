"""In production the web server sends private files: Django only says which one."""

import pytest
from django.test import Client, override_settings

from irooms.models import AccessLogEntry
from tests.irooms.factories import member_add, practitioner, room_create, room_document

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@override_settings(
    PROTECTED_FILE_SERVING="nginx", PROTECTED_MEDIA_INTERNAL_PREFIX="/protected-media/"
)
def test_member_document_download_is_handed_to_nginx_with_no_body():
    # given a room's document and a member
    room = room_create()
    document = room_document(room=room)
    member = member_add(room=room)

    # when the member downloads it through Wagtail's document URL
    response = client_for(member).get(document.url)

    # then nginx is told to send the file from its internal location; Django sends
    # no byte of it, and the download is in the audit trail
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{document.file.name}"
    assert b"".join(response) == b""
    assert response.get("Content-Length", "0") == "0"
    assert AccessLogEntry.objects.filter(object_id=str(document.pk)).count() == 1


@override_settings(PROTECTED_FILE_SERVING="nginx")
def test_outsider_gets_404_and_no_internal_redirect():
    room = room_create()
    document = room_document(room=room)

    response = client_for(practitioner()).get(document.url)

    assert response.status_code == 404
    assert not response.has_header("X-Accel-Redirect")


@override_settings(PROTECTED_FILE_SERVING="apache")
def test_member_document_download_is_handed_to_apache_by_path():
    room = room_create()
    document = room_document(room=room)

    response = client_for(member_add(room=room)).get(document.url)

    assert response["X-Sendfile"] == document.file.path
    assert b"".join(response) == b""
