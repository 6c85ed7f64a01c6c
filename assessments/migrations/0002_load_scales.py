from django.db import migrations


def load(apps, schema_editor):
    from assessments.scales import load_scales

    load_scales(apps.get_model("assessments", "Scale"), apps.get_model("assessments", "ScaleLevel"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
