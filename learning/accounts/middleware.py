"""Staff and trainers must enrol a second factor before they can do anything else."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from learning.accounts.selectors import user_has_totp, user_requires_mfa

SESSION_KEY = "mfa_gate_passed"
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
        if not user_requires_mfa(user):
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
