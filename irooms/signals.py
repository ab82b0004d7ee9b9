"""Signal handlers: one line each, calling a service (connected in AppConfig.ready)."""

from allauth.account.signals import email_confirmed, user_signed_up
from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

SESSION_TOKEN_KEY = "irooms_invitation_token"


def invitations_claim_on_sign_up(sender, request, user, **kwargs):
    from irooms.services import invitations_claim

    token = request.session.pop(SESSION_TOKEN_KEY, None) if request else None
    invitations_claim(user=user, token=token)


def invitations_claim_on_email_confirmed(sender, request, email_address, **kwargs):
    from irooms.services import invitations_claim

    invitations_claim(user=email_address.user, email=email_address.email)


def room_home_forget_on_room_change(sender, instance, **kwargs):
    from irooms.caching import room_home_forget

    room_home_forget(room_id=instance.room_id)


def room_home_forget_on_reply_change(sender, instance, **kwargs):
    from irooms.caching import room_home_forget

    room_home_forget(room_id=instance.thread.room_id)


def room_homes_forget_on_shared_change(sender, **kwargs):
    from irooms.caching import room_homes_forget

    room_homes_forget()


def room_home_signals_connect() -> None:
    """What the room home shows (irooms.caching) is forgotten when it changes."""
    from irooms.models import Reply, Resource, Session, Thread

    profile_model = apps.get_model("accounts", "Profile")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    # Resources are shared between rooms; linked pages (courses, webinars) and
    # authors' names may show in any room. Saving a page is not publishing it, and
    # a user is saved at every log-in: neither shows on a home.
    connections = [
        (signal, model, handler)
        for signal in (post_save, post_delete)
        for model, handler in (
            (Thread, room_home_forget_on_room_change),
            (Session, room_home_forget_on_room_change),
            (Reply, room_home_forget_on_reply_change),
            (Resource, room_homes_forget_on_shared_change),
            (profile_model, room_homes_forget_on_shared_change),
        )
    ] + [
        (post_delete, Page, room_homes_forget_on_shared_change),
        (post_delete, user_model, room_homes_forget_on_shared_change),
        (m2m_changed, Resource.rooms.through, room_homes_forget_on_shared_change),
        (page_published, None, room_homes_forget_on_shared_change),
        (page_unpublished, None, room_homes_forget_on_shared_change),
        (post_page_move, None, room_homes_forget_on_shared_change),
    ]
    for number, (signal, sender, handler) in enumerate(connections):
        signal.connect(handler, sender=sender, dispatch_uid=f"irooms_home_{number}")


def attachment_file_delete_on_delete(sender, instance, **kwargs):
    from irooms.services import attachment_file_delete

    attachment_file_delete(attachment=instance)


def session_recording_delete_on_delete(sender, instance, **kwargs):
    from irooms.services import session_recording_delete

    session_recording_delete(session=instance)


def resource_document_delete_on_delete(sender, instance, **kwargs):
    from irooms.services import resource_document_delete

    resource_document_delete(resource=instance)


def room_collection_delete_on_delete(sender, instance, **kwargs):
    from irooms.services import room_collection_delete

    room_collection_delete(collection_id=instance.collection_id)


def file_signals_connect() -> None:
    """Deleted rows take their files along, however they are deleted (services)."""
    from irooms.models import Attachment, Resource, RoomPage, Session

    for sender, handler in (
        (Attachment, attachment_file_delete_on_delete),
        (Session, session_recording_delete_on_delete),
        (Resource, resource_document_delete_on_delete),
        (RoomPage, room_collection_delete_on_delete),
    ):
        post_delete.connect(
            handler, sender=sender, dispatch_uid=f"irooms_files_{sender.__name__}"
        )


def connect() -> None:
    user_signed_up.connect(
        invitations_claim_on_sign_up, dispatch_uid="irooms_claim_on_sign_up"
    )
    email_confirmed.connect(
        invitations_claim_on_email_confirmed, dispatch_uid="irooms_claim_on_confirmed"
    )
    room_home_signals_connect()
    file_signals_connect()
