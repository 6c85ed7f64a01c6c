"""The qualifications' indexes and statistics that the lists' level and
studying filters probed (members/0005, 0019, 0025): the lists read the row
of highest levels now (members/0036). Reversible."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0036_highest_levels"),
    ]

    operations = [
        migrations.RunSQL(
            "DROP STATISTICS IF EXISTS qualification_level_stats",
            "CREATE STATISTICS qualification_level_stats (mcv)"
            " ON dimension, level, status FROM members_qualification",
        ),
        migrations.RemoveIndex(
            model_name="qualification",
            name="qualification_studying_idx",
        ),
        migrations.RemoveIndex(
            model_name="qualification",
            name="qualification_level_idx",
        ),
        migrations.RemoveIndex(
            model_name="qualification",
            name="qualification_general_idx",
        ),
    ]
