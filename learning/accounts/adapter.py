"""allauth adapters: the profile step after log-in, and encrypted MFA secrets."""

import base64
import hashlib
from functools import cache
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from learning.accounts.selectors import (
    preferred_language_for,
    profile_is_complete,
    user_requires_mfa,
)


class AccountAdapter(DefaultAccountAdapter):
    """After log-in: the profile if incomplete, else home in the user's language."""

    def get_login_redirect_url(self, request):
        destination = super().get_login_redirect_url(request)
        if not profile_is_complete(request.user):
            return f"{reverse('profile_edit')}?{urlencode({'next': destination})}"
        language = preferred_language_for(request.user)
        if language and destination == "/":
            with translation.override(language):
                return reverse("wagtail_serve", args=[""])
        return destination

    def get_signup_redirect_url(self, request):
        # Reached after the verification link logs a new user in.
        return self.get_login_redirect_url(request)


@cache
def _fernet(key: str, secret_key: str) -> Fernet:
    if not key:
        digest = hashlib.sha256(f"mfa-secrets:{secret_key}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


class MfaAdapter(DefaultMFAAdapter):
    """TOTP secrets are stored encrypted; required second factors cannot be removed."""

    def _cipher(self) -> Fernet:
        return _fernet(settings.MFA_ENCRYPTION_KEY, settings.SECRET_KEY)

    def encrypt(self, text: str) -> str:
        return self._cipher().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return self._cipher().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and user_requires_mfa(
            authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)
