"""The access log's model, moved from assessments (issue 17) with its table,
``assessments_recordaccess``, which assessments/0005 creates: the state only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partyquality", "0003_worker_heartbeat"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="RecordAccess",
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
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "action",
                            models.CharField(
                                choices=[("view", "Xem"), ("export", "Xuất")],
                                max_length=8,
                                verbose_name="thao tác",
                            ),
                        ),
                        (
                            "model",
                            models.CharField(max_length=80, verbose_name="loại hồ sơ"),
                        ),
                        (
                            "object_ids",
                            models.JSONField(
                                blank=True, default=list, verbose_name="mã hồ sơ"
                            ),
                        ),
                        (
                            "count",
                            models.PositiveIntegerField(
                                default=0, verbose_name="số hồ sơ"
                            ),
                        ),
                        (
                            "path",
                            models.CharField(
                                blank=True, max_length=500, verbose_name="trang"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "truy cập hồ sơ",
                        "verbose_name_plural": "truy cập hồ sơ",
                        "db_table": "assessments_recordaccess",
                        "ordering": ["-at"],
                    },
                ),
            ],
        ),
    ]
