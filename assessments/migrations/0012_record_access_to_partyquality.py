"""The access log's model moves to partyquality (the bottom layer's audit
reader, issue 17); its table stays where it is, so this changes the state
only (partyquality/0004 takes the model over)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0011_load_pre2008_scales"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RecordAccess")],
            database_operations=[],
        ),
    ]
