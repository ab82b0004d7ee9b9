"""Roll-up scopes for filters that combine; every day with facts is rolled up again."""

from django.db import migrations, models

# Days with facts are marked dirty: the roll-up task then adds the scopes of
# combined filters to their roll-ups (reports show them as not fresh meanwhile).
MARK_DAYS_WITH_FACTS_DIRTY = """
INSERT INTO records_dirtyday (day, marked_at)
SELECT DISTINCT day, now() FROM records_fact
ON CONFLICT (day) DO UPDATE SET marked_at = EXCLUDED.marked_at
"""


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
        migrations.RunSQL(MARK_DAYS_WITH_FACTS_DIRTY, migrations.RunSQL.noop),
    ]
