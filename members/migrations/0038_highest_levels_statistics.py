"""Extended statistics on the row of highest levels (issue 17): which
combinations of levels people hold. Without them PostgreSQL multiplies the
shares of two filters as if independent and expects some people with
primary education and a university degree, who do not exist; it then walks
the whole name order looking for them (3 s on two provinces, 48 s nationally
in the last session). The MCV list holds up to 1,000 combinations, so every
combination held is in it and one not in it is estimated near zero: the
plan starts from the levels' indexes instead (0.13 s on two provinces).
PostgreSQL reads these statistics itself; the application never does."""

from django.db import migrations

CREATE = """
CREATE STATISTICS highest_levels_stats (mcv)
    ON general, professional, political, state_management, it,
       foreign_language, studying
    FROM members_highestlevels;
ALTER STATISTICS highest_levels_stats SET STATISTICS 1000;
ANALYZE members_highestlevels;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0037_qualification_drop_list_indexes"),
    ]

    operations = [
        migrations.RunSQL(CREATE, "DROP STATISTICS IF EXISTS highest_levels_stats"),
    ]
