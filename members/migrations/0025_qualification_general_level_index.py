"""An index of the holders of general education levels but upper secondary
(held by three people in four): a province officer's ``general=primary`` read
it instead of all 7 million qualifications in their order on disk (0.6 s for
the last province's officer, bench/RESULTS.md).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0024_positionholding_holder_is_member'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='qualification',
            index=models.Index(condition=models.Q(('dimension', 'general'), models.Q(('level', 'upper_secondary'), _negated=True)), fields=['level', 'status', 'person'], name='qualification_general_idx'),
        ),
    ]
