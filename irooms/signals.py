"""Signal handlers: one line each, calling a service (connected in AppConfig.ready)."""

from allauth.account.signals import email_confirmed, user_signed_up

SESSION_TOKEN_KEY = "irooms_invitation_token"


def invitations_claim_on_sign_up(sender, request, user, **kwargs):
    from irooms.services import invitations_claim

    token = request.session.pop(SESSION_TOKEN_KEY, None) if request else None
    invitations_claim(user=user, token=token)


def invitations_claim_on_email_confirmed(sender, request, email_address, **kwargs):
    from irooms.services import invitations_claim

    invitations_claim(user=email_address.user, email=email_address.email)


def connect() -> None:
    user_signed_up.connect(
        invitations_claim_on_sign_up, dispatch_uid="irooms_claim_on_sign_up"
    )
    email_confirmed.connect(
        invitations_claim_on_email_confirmed, dispatch_uid="irooms_claim_on_confirmed"
    )
