"""A person's memberships indexed with their ids and end dates
(``membership_person_idx``), in place of the foreign key's own index:
joining the people a name search found to their memberships, or asking
whether a cadre is a member now, reads the index alone, and PostgreSQL no
longer prefers the GiST exclusion index on the person, ten times slower per
lookup (bench/RESULTS.md). The new index is built before the old one goes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0016_upload_check"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                fields=["person"],
                include=("id", "ended_on"),
                name="membership_person_idx",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="members.person",
            ),
        ),
    ]
