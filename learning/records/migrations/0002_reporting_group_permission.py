"""Grant the training-report permission to the Reporting group."""

from django.db import migrations

REPORTING_GROUP = "Reporting"  # learning.accounts.models.REPORTING_GROUP, frozen here


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="records", model="event")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_training_report",
        defaults={"name": "Can view training reports"},
    )
    group, _ = Group.objects.get_or_create(name=REPORTING_GROUP)
    group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="records", codename="view_training_report"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
