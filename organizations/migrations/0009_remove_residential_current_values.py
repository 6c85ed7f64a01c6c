from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0008_copy_residential_coverage'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='residentialunit',
            name='covering_cell',
        ),
        migrations.RemoveField(
            model_name='residentialunit',
            name='head_is_party_member',
        ),
        migrations.RemoveField(
            model_name='residentialunit',
            name='head_name',
        ),
        migrations.RemoveField(
            model_name='residentialunit',
            name='party_member_count',
        ),
    ]
