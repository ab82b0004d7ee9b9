"""Wagtail admin: a read-only list of practitioner profiles, for staff only."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from learning.accounts.models import Profile

READ_ACTIONS = {"view"}


class StaffReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Profiles are personal data: staff with the view permission may read, nobody
    edits them from the admin (the owner edits their own on the site)."""

    def user_has_permission(self, user, action):
        if action not in READ_ACTIONS or not (user.is_active and user.is_staff):
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        if not READ_ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        return (
            super()
            .users_with_any_permission(READ_ACTIONS)
            .filter(is_active=True, is_staff=True)
        )


register_permission_policy(Profile, StaffReadOnlyPermissionPolicy(Profile))


class ProfileViewSet(ModelViewSet):
    model = Profile
    name = "profiles"
    url_prefix = "profiles"
    icon = "user"
    menu_label = _("Profiles")
    menu_order = 900
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "full_name",
        "organisation",
        "country",
        "sector",
        "professional_role",
        "updated_at",
    ]
    list_filter = ["country", "sector", "gender", "preferred_language"]
    list_export = [
        "full_name",
        "organisation",
        "country",
        "sector",
        "professional_role",
        "gender",
        "preferred_language",
        "created_at",
        "updated_at",
    ]
    search_fields = ["full_name", "organisation", "professional_role"]
    inspect_view_fields = [*Profile.REQUIRED_FIELDS, "created_at", "updated_at"]
    # Add and edit are refused by the permission policy; the form stays declared
    # because the viewset builds those views regardless.
    form_fields = list(Profile.REQUIRED_FIELDS)


profile_viewset = ProfileViewSet()


@hooks.register("register_admin_viewset")
def register_profile_viewset():
    return profile_viewset
