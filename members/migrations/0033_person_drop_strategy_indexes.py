"""The people's indexes the earlier list's search strategies walked (the
folded name in order with the filters beside it, the given name, the words
before it, the unusual given names: members/0009-0013) and the generated
given-name column they were built on (issue #17): the list's one search reads
the words index and sorts by ``sort_name`` (docs/member_list.md), so they only
cost every write of a person. Dropping them rewrites nothing; undone, the
column is computed again for every person (a rewrite of the table).
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0032_province_triggers_by_pgtrigger'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='person',
            name='person_given_name_idx',
        ),
        migrations.RemoveIndex(
            model_name='person',
            name='person_name_order_idx',
        ),
        migrations.RemoveIndex(
            model_name='person',
            name='person_leading_words',
        ),
        migrations.RemoveIndex(
            model_name='person',
            name='person_unusual_given_name',
        ),
        migrations.RemoveField(
            model_name='person',
            name='search_given_name',
        ),
    ]
