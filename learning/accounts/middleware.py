"""Staff and trainers must enrol a second factor before they can do anything else."""

import time

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from learning.accounts.selectors import (
    user_access_version,
    user_has_totp,
    user_requires_mfa,
)

SESSION_KEY = "mfa_gate_passed"
# "This user needs no MFA", remembered in the session as [user id, access version,
# expiry], so that most requests make no query. A change of groups, staff flags or
# room roles changes the access version (learning.accounts.signals), voiding it at
# once; the expiry bounds what a change the signals cannot see (a bulk update)
# could let through: a new trainer is asked for MFA within this many seconds.
NOT_REQUIRED_SESSION_KEY = "mfa_not_required"
NOT_REQUIRED_SECONDS = 60
# Views a user may still reach while enrolment is pending: allauth itself (to enrol,
# log out), the language switch and the health check.
ALLOWED_VIEW_MODULES = ("allauth.", "django.views.i18n", "learning.core.views")


class MfaRequiredMiddleware:
    """allauth has no setting that forces MFA; this enforces it where required."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or request.session.get(SESSION_KEY) == user.pk:
            return None
        if view_func.__module__.startswith(ALLOWED_VIEW_MODULES):
            return None
        # Read before deciding: a role change committed meanwhile bumps it after.
        version = user_access_version(user.pk)
        user._access_version = version  # read once per request (records use it)
        if self._known_not_required(request, user, version):
            return None
        if not user_requires_mfa(user):
            self._remember_not_required(request, user, version)
            return None
        if user_has_totp(user):
            # The MFA adapter forbids removing this factor, so the answer holds
            # for the rest of the session.
            request.session[SESSION_KEY] = user.pk
            return None
        messages.warning(
            request,
            _("Your role requires two-factor authentication. Set it up to continue."),
        )
        return redirect("mfa_activate_totp")

    @staticmethod
    def _known_not_required(request, user, version) -> bool:
        if user.is_staff or user.is_superuser:
            return False
        entry = request.session.get(NOT_REQUIRED_SESSION_KEY)
        if not isinstance(entry, list) or len(entry) != 3:
            return False
        user_id, remembered, expires = entry
        if user_id != user.pk or time.time() >= expires:
            return False
        return version is not None and remembered == version

    @staticmethod
    def _remember_not_required(request, user, version) -> None:
        if version is None:
            return
        request.session[NOT_REQUIRED_SESSION_KEY] = [
            user.pk,
            version,
            time.time() + NOT_REQUIRED_SECONDS,
        ]
