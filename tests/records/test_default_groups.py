"""The Trainers and Reporting groups exist with their permissions, after a flush too."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from learning.accounts.models import REPORTING_GROUP, TRAINERS_GROUP
from learning.accounts.services import default_groups_ensure
from tests.factories import UserFactory, totp_activate

REPORT_URL = "/admin/reports/training/"  # learning/records/wagtail_hooks.py


def reporting_user():
    """Staff (as the report requires) whose only grant is the Reporting group."""
    user = UserFactory(staff=True)
    user.groups.add(Group.objects.get(name=REPORTING_GROUP))
    totp_activate(user)  # staff must have a second factor
    return user


def test_a_user_only_in_the_reporting_group_opens_the_admin_report(db):
    # given a staff user in the Reporting group and nothing else
    client = Client()
    client.force_login(reporting_user())

    # when they open the report in the admin
    response = client.get(REPORT_URL)

    # then the report shows
    assert response.status_code == 200


def test_staff_outside_the_reporting_group_cannot_open_the_report(db):
    user = UserFactory(staff=True)
    totp_activate(user)
    client = Client()
    client.force_login(user)

    response = client.get(REPORT_URL)

    assert response.status_code in (302, 403)


@pytest.mark.parametrize("flushed", [1, 2])
def test_default_groups_come_back_after_a_transactional_flush(
    transactional_db, flushed
):
    # given a transactional test: the previous one's flush emptied every table
    # then the groups and their permissions are there again (post_migrate)
    reporting = Group.objects.get(name=REPORTING_GROUP)
    assert Group.objects.filter(name=TRAINERS_GROUP).exists()
    assert {p.codename for p in reporting.permissions.all()} >= {
        "view_training_report",
        "access_admin",
    }
    # and a reporting user can open the report
    client = Client()
    client.force_login(reporting_user())
    assert client.get(REPORT_URL).status_code == 200


def test_ensuring_the_groups_twice_changes_nothing(db):
    default_groups_ensure()
    before = {
        group.name: sorted(group.permissions.values_list("pk", flat=True))
        for group in Group.objects.all()
    }

    default_groups_ensure()

    after = {
        group.name: sorted(group.permissions.values_list("pk", flat=True))
        for group in Group.objects.all()
    }
    assert after == before
