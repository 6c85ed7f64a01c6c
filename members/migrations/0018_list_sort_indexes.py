"""Indexes for the member and cadre lists sorted by date of birth, admission
or status, each with the sort's tie-breakers: a page of the country's list
is walked off them instead of sorting 5 million rows (bench/RESULTS.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0017_membership_person_index_with_id"),
        ("organizations", "0005_unit_name_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                fields=["admitted_on", "person", "id"], name="membership_admitted_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                fields=["status", "person", "id"], name="membership_status_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["date_of_birth", "id"], name="person_birth_idx"),
        ),
    ]
