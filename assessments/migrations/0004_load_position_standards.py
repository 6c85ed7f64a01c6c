from django.db import migrations


def load(apps, schema_editor):
    from assessments.standards import load_position_standards

    load_position_standards(apps.get_model("assessments", "PositionStandard"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_standards_targets")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
