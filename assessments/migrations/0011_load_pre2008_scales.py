"""The scales for the years before 2008 (issue #19 §5, DOMAIN.md §3), as data:
their middle levels' wording is unconfirmed, so an administrator edits them."""

from django.db import migrations

CODES = ("org_pre2008", "member_pre2008")


def load(apps, schema_editor):
    from assessments.scales import load_scales

    load_scales(
        apps.get_model("assessments", "Scale"),
        apps.get_model("assessments", "ScaleLevel"),
        codes=CODES,
    )


def unload(apps, schema_editor):
    # Refused by the database (PROTECT) once a classification uses them.
    apps.get_model("assessments", "Scale").objects.filter(code__in=CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0010_transitions_protected")]
    operations = [migrations.RunPython(load, unload)]
