"""What a person does in a browser, as Django test client calls."""

import re
import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value


def log_in(client, *, email: str, password: str, next_url: str = ""):
    """Post the allauth log-in form as a person would; return the response."""
    url = "/en/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": email, "password": password})


def first_link(text: str) -> str:
    """The path of the first http(s) link in an e-mail body."""
    match = re.search(r"https?://[^/\s]+(/\S+)", text)
    assert match, f"No link in: {text}"
    return match.group(1)


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now, computed with allauth's own HOTP."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def wrong_totp_code(secret: str) -> str:
    """A well-formed code that is not valid now."""
    right = current_totp_code(secret)
    return f"{(int(right) + 1) % 10 ** len(right):0{len(right)}}"


def log_in_with_totp(client, *, email: str, password: str, secret: str):
    """Log in and answer allauth's authenticator-code stage; return the response."""
    response = log_in(client, email=email, password=password)
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    return client.post(response["Location"], {"code": current_totp_code(secret)})


def reauthenticate(client, *, password: str):
    """Confirm the password again, as allauth asks before MFA changes."""
    response = client.post("/en/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def open_totp_setup(client, *, password: str) -> tuple:
    """Open the TOTP set-up page, confirming the password when allauth asks."""
    page = client.get("/en/accounts/2fa/totp/activate/")
    if page.status_code == 302 and "/reauthenticate/" in page["Location"]:
        reauthenticate(client, password=password)
        page = client.get("/en/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    return page, client.session["mfa.totp.secret"]


def site_pages_build():
    """Site root -> HomePage -> RoomIndexPage -> RoomPage; return (home, room).

    The HomePage replaces the "Welcome" page Wagtail's migrations create, as the
    default site's root, so /<lang>/ and /<lang>/rooms/room-a/ are served.
    """
    from wagtail.models import Page, Site

    from irooms.models import RoomIndexPage, RoomPage
    from learning.home.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Learning Platform", slug="lp"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()  # save(), not update(): Wagtail's signal drops its cached roots
    rooms = home.add_child(instance=RoomIndexPage(title="Rooms", slug="rooms"))
    # An open room: its door is for any signed-in user with a complete profile.
    room = rooms.add_child(
        instance=RoomPage(title="Room A", slug="room-a", join_policy="open")
    )
    return home, room
