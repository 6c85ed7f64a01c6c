from django.db import migrations


def load(apps, schema_editor):
    from assessments.rules import load_rules

    load_rules(
        apps.get_model("assessments", "Scale"),
        apps.get_model("assessments", "ClassificationRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_review_rules_campaigns_audit")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
