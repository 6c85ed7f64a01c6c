"""The people holding a qualification level (outside general education), for
the lists' qualification filters, and extended statistics so that PostgreSQL
knows how often each level is held: dimension, level and status go together,
and it multiplied their shares as if they did not (4× too low for
"university, completed"), choosing plans that hashed a million rows
(bench/RESULTS.md)."""

from django.db import migrations, models

STATISTICS = """
CREATE STATISTICS qualification_level_stats (mcv)
    ON dimension, level, status FROM members_qualification;
ANALYZE members_qualification;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0018_list_sort_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="qualification",
            index=models.Index(
                condition=models.Q(("dimension", "general"), _negated=True),
                fields=["level", "status", "person"],
                include=("dimension",),
                name="qualification_level_idx",
            ),
        ),
        migrations.RunSQL(
            STATISTICS, "DROP STATISTICS IF EXISTS qualification_level_stats"
        ),
    ]
