"""The owner's profile page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from learning.accounts import services
from learning.accounts.forms import ProfileForm
from learning.accounts.selectors import profile_for


@login_required
def profile_edit(request):
    profile = profile_for(request.user)
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, instance=profile)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return redirect(next_url)
    return render(
        request, "accounts/profile_edit.html", {"form": form, "next": next_url}
    )
