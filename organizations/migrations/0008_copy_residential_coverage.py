"""Each village's single current values become its first dated rows: the
coverage from the village's opening to its closing, and the typed number of
members living there as the figure of the year this runs (when it was read
is unknown; an administrator corrects the year in the admin)."""

import datetime

from django.db import migrations


def forward(apps, schema_editor):
    Village = apps.get_model("organizations", "ResidentialUnit")
    Coverage = apps.get_model("organizations", "ResidentialCoverage")
    Count = apps.get_model("organizations", "ResidentialMemberCount")
    year = datetime.date.today().year
    for v in Village.objects.all():
        Coverage.objects.create(
            residential_unit=v,
            covering_cell_id=v.covering_cell_id,
            head_name=v.head_name,
            head_is_party_member=v.head_is_party_member,
            valid_from=v.opened_on,
            valid_to=v.closed_on,
        )
        if v.party_member_count is not None:
            Count.objects.create(
                residential_unit=v, year=year, party_members=v.party_member_count
            )


def backward(apps, schema_editor):
    # The last period and the last figure become the single values again.
    Village = apps.get_model("organizations", "ResidentialUnit")
    for v in Village.objects.all():
        last = v.coverage.order_by("-valid_from").first()
        count = v.member_counts.order_by("-year").first()
        if last is not None:
            v.covering_cell_id = last.covering_cell_id
            v.head_name = last.head_name
            v.head_is_party_member = last.head_is_party_member
        v.party_member_count = count.party_members if count else None
        v.save()


class Migration(migrations.Migration):
    dependencies = [("organizations", "0007_residential_coverage")]
    operations = [migrations.RunPython(forward, backward)]
