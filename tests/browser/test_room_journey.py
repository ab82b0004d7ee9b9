"""A trainer opens a room; an invited newcomer joins, reads, asks; an expert answers."""

import re

import pytest
from playwright.sync_api import expect

from irooms.models import RoomIndexPage, RoomPage
from tests.accounts.steps import current_totp_code
from tests.conftest import wait_until
from tests.factories import DEFAULT_PASSWORD, totp_activate
from tests.irooms.factories import PDF_BYTES, practitioner

pytestmark = pytest.mark.browser

NEWCOMER = "leila.mansour@prosecution.example.org"
NEWCOMER_PASSWORD = "Quiet-harbour-lantern-58"
ROOM_TITLE = "Cross-border investigations, North Africa"
MANUAL_TITLE = "Manual on mutual legal assistance"
QUESTION = "Is e-evidence from a foreign provider admissible?"
ANSWER = "Yes, when it was obtained through a mutual legal assistance request."
CONFIRMATION_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")
INVITATION_PATH = re.compile(r"https?://[^/\s]+(/\S*/irooms/invitations/[^/\s]+/)")


@pytest.fixture
def mail_dir(tmp_path, monkeypatch, request):
    """A real Celery worker that writes the room's e-mails into a directory."""
    directory = tmp_path / "mail"
    directory.mkdir()
    monkeypatch.setenv(
        "TEST_WORKER_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    monkeypatch.setenv("TEST_WORKER_EMAIL_FILE_PATH", str(directory))
    request.getfixturevalue("celery_worker")
    return directory


def invitation_path_for(mail_dir, email: str) -> str:
    """The invitation link's path in the worker's e-mail to `email`."""

    def find():
        for path in mail_dir.iterdir():
            text = path.read_text()
            if f"To: {email}" in text and "/irooms/invitations/" in text:
                return INVITATION_PATH.search(text).group(1)
        return None

    return wait_until(find, timeout=30, message=f"No invitation reached {email}.")


def new_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", accept_downloads=True
    )
    browser_page = context.new_page()
    browser_page.set_default_timeout(15_000)
    return browser_page


def sign_in(browser_page, email: str, password: str = DEFAULT_PASSWORD) -> None:
    browser_page.goto("/en/accounts/login/")
    browser_page.get_by_label("Email").fill(email)
    browser_page.get_by_label("Password").fill(password)
    browser_page.get_by_role("button", name="Sign In").click()


def test_trainer_opens_room_newcomer_joins_downloads_asks_expert_answers_outsider_404(
    page, browser, live_server, home_page, mail_dir, mailoutbox
):
    # given a rooms index, a platform trainer with an authenticator app, an expert
    # with an account, and a practitioner who belongs to no room
    rooms = home_page.add_child(instance=RoomIndexPage(title="Rooms", slug="rooms"))
    trainer = practitioner(full_name="Sofía Marín", user__trainer=True)
    secret = totp_activate(trainer)
    expert = practitioner(full_name="Daniel Okafor")
    outsider = practitioner(full_name="Omar Farouk")

    # when the trainer signs in with password and authenticator code
    sign_in(page, trainer.email)
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # and opens a new invitation-only room from the rooms index
    page.goto(rooms.url)
    page.get_by_role("link", name="Create a room").click()
    page.get_by_label("Title").fill(ROOM_TITLE)
    page.get_by_label("Summary").fill("Evidence, extradition and MLA in the region.")
    page.get_by_label("Who can join").select_option("invitation")
    page.get_by_role("button", name="Create the room").click()

    # then they are in the room, as its trainer
    expect(page.get_by_role("heading", level=1)).to_have_text(ROOM_TITLE)
    room = RoomPage.objects.get(title=ROOM_TITLE)
    assert room.live and room.get_parent().pk == rooms.pk

    # when they add a manual to the room's library
    page.get_by_role("link", name="Add a resource").click()
    page.get_by_label("Title").fill(MANUAL_TITLE)
    page.get_by_label("Type").select_option("manual")
    page.get_by_label("File").set_input_files(
        {"name": "mla-manual.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MANUAL_TITLE)

    # and invite the newcomer (no account yet) and the expert by e-mail
    page.get_by_role("link", name="Manage members").click()
    send = page.get_by_role("button", name="Send the invitation")
    invite_form = page.locator("form", has=send)
    for email, role in ((NEWCOMER, "participant"), (expert.email, "expert")):
        invite_form.get_by_label("E-mail address").fill(email)
        invite_form.get_by_label("Role").select_option(role)
        with page.expect_navigation():
            send.click()
        expect(page.get_by_role("status")).to_contain_text("invitation was sent")

    # then the newcomer signs up from the invitation e-mail the worker sent
    newcomer_page = new_page(browser, live_server)
    newcomer_page.goto(invitation_path_for(mail_dir, NEWCOMER))
    expect(newcomer_page).to_have_url(re.compile(r"/accounts/signup/"))
    newcomer_page.get_by_label("Email").fill(NEWCOMER)
    newcomer_page.get_by_label(re.compile(r"^Password:?$")).fill(NEWCOMER_PASSWORD)
    newcomer_page.get_by_label(re.compile(r"^Password \(again\)")).fill(
        NEWCOMER_PASSWORD
    )
    newcomer_page.get_by_role("button", name="Sign Up").click()

    # and verifies the address, and completes the profile
    message = wait_until(
        lambda: next((m for m in mailoutbox if NEWCOMER in m.to), None),
        timeout=15,
        message="No verification e-mail.",
    )
    newcomer_page.goto(CONFIRMATION_LINK.search(message.body).group(0))
    newcomer_page.get_by_role("button", name="Confirm").click()
    expect(newcomer_page).to_have_url(re.compile(r"/en/profile/"))
    expect(newcomer_page.get_by_role("heading", level=1)).to_have_text("Your profile")
    newcomer_page.get_by_label("Full name").fill("Leila Mansour")
    newcomer_page.get_by_label("Country").select_option("TN")
    newcomer_page.get_by_label("Organisation").fill("Public Prosecution Office")
    newcomer_page.get_by_label("Sector").select_option("prosecution")
    newcomer_page.get_by_label("Professional role").fill("Prosecutor")
    newcomer_page.get_by_label("Gender").select_option("female")
    newcomer_page.get_by_label("Preferred language").select_option("en")
    newcomer_page.get_by_role("button", name="Save profile").click()

    # then the invitation link leads them into the room, which is on their list
    expect(newcomer_page.get_by_role("heading", level=1)).to_have_text(ROOM_TITLE)
    newcomer_page.goto(rooms.url)
    newcomer_page.get_by_role("link", name=ROOM_TITLE).click()
    expect(newcomer_page.get_by_role("heading", level=1)).to_have_text(ROOM_TITLE)

    # when they open the manual and download it
    newcomer_page.get_by_role("link", name=MANUAL_TITLE).click()
    download_link = newcomer_page.get_by_role("link", name=re.compile("^Download"))
    manual_path = download_link.get_attribute("href")
    with newcomer_page.expect_download() as download_info:
        download_link.click()

    # then they have the file itself
    assert download_info.value.path().read_bytes() == PDF_BYTES

    # when they ask the experts a question
    newcomer_page.get_by_role("link", name="Discussions").click()
    newcomer_page.get_by_label("Title").fill(QUESTION)
    newcomer_page.get_by_label("Text").fill("We received data from a cloud provider.")
    newcomer_page.get_by_label("This is a question to the experts").check()
    newcomer_page.get_by_role("button", name="Post", exact=True).click()
    expect(newcomer_page.get_by_role("heading", level=1)).to_have_text(QUESTION)

    # and the expert, in a browser of their own, accepts their invitation
    expert_page = new_page(browser, live_server)
    sign_in(expert_page, expert.email)
    expect(expert_page.get_by_role("button", name="Sign out")).to_be_visible()
    expert_page.goto(invitation_path_for(mail_dir, expert.email))
    expect(expert_page.get_by_role("heading", level=1)).to_have_text(ROOM_TITLE)

    # and answers the question, marking the reply as the expert answer
    expert_page.get_by_role("link", name=QUESTION).click()
    expert_page.get_by_label("Your reply").fill(ANSWER)
    expert_page.get_by_role("button", name="Reply", exact=True).click()
    expert_page.get_by_role("button", name="Mark as the expert answer").click()

    # then the newcomer reads the expert answer under their question
    newcomer_page.reload()
    answer = newcomer_page.locator(".expert-answer")
    expect(answer).to_contain_text("Expert answer")
    expect(answer).to_contain_text(ANSWER)

    # when an outsider, signed in or not, opens the manual's URL
    outsider_page = new_page(browser, live_server)
    anonymous = outsider_page.request.get(manual_path, max_redirects=0)
    sign_in(outsider_page, outsider.email)
    expect(outsider_page.get_by_role("button", name="Sign out")).to_be_visible()
    response = outsider_page.request.get(manual_path, max_redirects=0)

    # then the answer is 404, with nothing of the manual in it
    assert (anonymous.status, response.status) == (404, 404)
    assert PDF_BYTES not in response.body()
    assert MANUAL_TITLE.encode() not in response.body()
    for browser_page in (newcomer_page, expert_page, outsider_page):
        browser_page.context.close()
