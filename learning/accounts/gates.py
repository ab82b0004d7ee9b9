"""Gates a request must pass: a complete profile before any room."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from learning.accounts.selectors import profile_is_complete


def profile_gate(request):
    """Redirect to log in or to complete the profile; None when the user may pass."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not profile_is_complete(request.user):
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('profile_edit')}?{query}")
    return None


def profile_required(view):
    """Decorate a view so that only signed-in users with a complete profile reach it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return profile_gate(request) or view(request, *args, **kwargs)

    return wrapped
