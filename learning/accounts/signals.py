"""Signal handlers of accounts: one line each, calling a service (see apps.py)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
)

from learning.accounts import services


def user_saved(sender, instance, **kwargs):
    services.user_access_changed(user_ids=[instance.pk])


def user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "pre_clear"):
        services.user_access_changed(
            user_ids=services.users_of_groups_change(
                instance=instance, reverse=reverse, pk_set=pk_set
            )
        )


def group_changed(sender, instance, **kwargs):
    services.user_access_changed(user_ids=services.users_of_group(group=instance))


def membership_changed(sender, instance, **kwargs):
    services.user_access_changed(user_ids=[instance.user_id])


def profile_changed(sender, instance, **kwargs):
    from learning.records.api import actor_snapshot_forget

    actor_snapshot_forget(user_id=instance.user_id)


def default_groups_ensure(sender, **kwargs):
    services.default_groups_ensure(using=kwargs.get("using", "default"))


def connect() -> None:
    user_model = get_user_model()
    post_save.connect(user_saved, sender=user_model, dispatch_uid="accounts-user")
    m2m_changed.connect(
        user_groups_changed,
        sender=user_model.groups.through,
        dispatch_uid="accounts-user-groups",
    )
    # A group renamed to (or from) "Trainers", or deleted with its members.
    post_save.connect(group_changed, sender=Group, dispatch_uid="accounts-group")
    pre_delete.connect(group_changed, sender=Group, dispatch_uid="accounts-group-del")
    # Room roles decide who must use MFA; a lazy sender keeps irooms' models out.
    for signal in (post_save, post_delete):
        signal.connect(
            membership_changed,
            sender="irooms.Membership",
            dispatch_uid=f"accounts-membership-{signal is post_save}",
        )
        signal.connect(
            profile_changed,
            sender="accounts.Profile",
            dispatch_uid=f"accounts-profile-{signal is post_save}",
        )
    # Once per migrate or flush (the accounts app's own post_migrate).
    from django.apps import apps

    post_migrate.connect(
        default_groups_ensure,
        sender=apps.get_app_config("accounts"),
        dispatch_uid="accounts-groups",
    )
