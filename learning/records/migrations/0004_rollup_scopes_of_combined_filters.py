"""Roll-up scopes for filters that combine; every day with facts is rolled up again."""

from django.db import migrations, models
from django.utils import timezone


def days_with_facts_mark_dirty(apps, schema_editor):
    """The roll-up task then adds the scopes of combined filters to those days'
    roll-ups (reports show them as not fresh meanwhile). Any database: the quick
    start runs on SQLite."""
    Fact = apps.get_model("records", "Fact")
    DirtyDay = apps.get_model("records", "DirtyDay")
    now = timezone.now()
    days = Fact.objects.values_list("day", flat=True).distinct().order_by()
    DirtyDay.objects.bulk_create(
        (DirtyDay(day=day, marked_at=now) for day in days.iterator()),
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=["marked_at"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_reporting_token_expiry_and_revocation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="rollup",
            name="scope",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.RunPython(days_with_facts_mark_dirty, migrations.RunPython.noop),
    ]
