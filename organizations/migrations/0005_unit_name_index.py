"""Units in name order: the member list sorted by cell walks the cells by
name and reads each one's members in turn (bench/RESULTS.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0004_tree_version"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(fields=["name", "id"], name="unit_name_idx"),
        ),
    ]
