"""A province's members in the member list's other orders (admission, status,
cell, the copy of the birth date), with the folded name beside the key: a
whole province's search of common words walks its own range in the list's
order (``NameSearch._ids_in_another_order``), where finding the province's
57,000 "nguyen" and sorting them took 110–160 ms.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0025_qualification_general_level_index'),
        ('organizations', '0005_unit_name_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['province', 'admitted_on', 'person', 'id'], include=('search_name',), name='membership_prov_admitted_idx'),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['province', 'status', 'person', 'id'], include=('search_name',), name='membership_prov_status_idx'),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['province', 'cell_name', 'person', 'id'], include=('search_name',), name='membership_prov_cell_idx'),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['province', 'date_of_birth', 'person', 'id'], include=('search_name',), name='membership_prov_birth_idx'),
        ),
    ]
