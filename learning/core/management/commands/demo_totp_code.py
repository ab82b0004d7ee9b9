"""`manage.py demo_totp_code EMAIL`: the current TOTP code of a demo account."""

import time

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from learning.core.demo import DEMO_EMAIL_DOMAIN


def current_totp_code(secret: str, *, period: int, now: float) -> str:
    return format_hotp_value(hotp_value(secret, int(now) // period))


class Command(BaseCommand):
    help = (
        "Print the current TOTP code of a demo user (demo only: refused unless "
        f"DEBUG is on or the address ends with @{DEMO_EMAIL_DOMAIN})."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        if not (settings.DEBUG or email.lower().endswith(f"@{DEMO_EMAIL_DOMAIN}")):
            raise CommandError(
                f"Refused: only for demo accounts (@{DEMO_EMAIL_DOMAIN}) or with "
                "DEBUG on."
            )
        authenticator = Authenticator.objects.filter(
            user__email__iexact=email, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError(f"{email} has no TOTP authenticator.")
        secret = decrypt(authenticator.data["secret"])
        self.stdout.write(
            current_totp_code(secret, period=app_settings.TOTP_PERIOD, now=time.time())
        )
