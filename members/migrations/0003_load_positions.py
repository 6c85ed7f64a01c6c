from django.db import migrations


def load(apps, schema_editor):
    from members.positions import load_positions

    load_positions(apps.get_model("members", "Position"))


class Migration(migrations.Migration):
    dependencies = [("members", "0002_person_registered_unit_and_identity_formats")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
