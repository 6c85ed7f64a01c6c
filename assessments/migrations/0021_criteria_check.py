"""The many-to-many table of CriteriaResult.met_items gets a model of its own
(CriteriaCheck) so that the audit trail can track it: state only, the table
Django made for the field stays as it is."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0020_history_field_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CriteriaCheck",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "criteriaresult",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="assessments.criteriaresult",
                                verbose_name="kết quả tiêu chí",
                            ),
                        ),
                        (
                            "criteriaitem",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="assessments.criteriaitem",
                                verbose_name="tiêu chí",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "tiêu chí đạt",
                        "verbose_name_plural": "tiêu chí đạt",
                        "db_table": "assessments_criteriaresult_met_items",
                        "unique_together": {("criteriaresult", "criteriaitem")},
                    },
                ),
                migrations.AlterField(
                    model_name="criteriaresult",
                    name="met_items",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="assessments.CriteriaCheck",
                        to="assessments.criteriaitem",
                    ),
                ),
            ],
            database_operations=[],
        )
    ]
