"""The member list's sort indexes (status, admission, and the person's date
of birth) carry the folded name, so that a name search in those orders
checks the words while walking the index, without reading a row
(MemberFilter.NAMES_BESIDE, partyquality/search.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0019_qualification_level_index'),
        ('organizations', '0005_unit_name_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='membership',
            name='membership_admitted_idx',
        ),
        migrations.RemoveIndex(
            model_name='membership',
            name='membership_status_idx',
        ),
        migrations.RemoveIndex(
            model_name='person',
            name='person_birth_idx',
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['admitted_on', 'person', 'id'], include=('search_name',), name='membership_admitted_idx'),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['status', 'person', 'id'], include=('search_name',), name='membership_status_idx'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['date_of_birth', 'id'], include=('search_name',), name='person_birth_idx'),
        ),
    ]
