"""Each person's highest level per dimension (issue 17): the table, filled
once from the qualifications by one INSERT … SELECT before its indexes are
built (national set: see bench/RESULTS.md); from then on the writers of
qualifications keep it (members/highest_levels.py). FILL is a copy of
``highest_levels.fill_sql()`` as it was (a test checks they agree while the
columns do not change)."""

import django.db.models.deletion
from django.db import migrations, models


FILL = """
INSERT INTO members_highestlevels (person_id, general, professional, political, state_management, it, foreign_language, studying)
SELECT person_id,
  max(level) FILTER (WHERE dimension = 'general'),
  max(level) FILTER (WHERE dimension = 'professional'),
  max(level) FILTER (WHERE dimension = 'political'),
  max(level) FILTER (WHERE dimension = 'state_management'),
  max(level) FILTER (WHERE dimension = 'it'),
  max(level) FILTER (WHERE dimension = 'foreign_language'),
  bool_or(studying)
FROM (
  SELECT DISTINCT ON (person_id, dimension, status) person_id, dimension,
    CASE WHEN status = 'completed' THEN level END AS level,
    status = 'studying' AS studying
  FROM members_qualification
  ORDER BY person_id, dimension, status, rank DESC, year DESC NULLS LAST, id DESC
) best
GROUP BY person_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0035_column_mapping"),
    ]

    operations = [
        migrations.CreateModel(
            name="HighestLevels",
            fields=[
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="highest_levels",
                        serialize=False,
                        to="members.person",
                    ),
                ),
                (
                    "general",
                    models.CharField(
                        choices=[
                            ("primary", "Tiểu học"),
                            ("lower_secondary", "Trung học cơ sở (9/12)"),
                            ("upper_secondary", "Trung học phổ thông (12/12)"),
                        ],
                        max_length=24,
                        null=True,
                        verbose_name="Giáo dục phổ thông",
                    ),
                ),
                (
                    "professional",
                    models.CharField(
                        choices=[
                            ("none", "Chưa qua đào tạo"),
                            ("elementary", "Sơ cấp"),
                            ("intermediate", "Trung cấp"),
                            ("college", "Cao đẳng"),
                            ("university", "Đại học"),
                            ("master", "Thạc sĩ"),
                            ("doctor", "Tiến sĩ"),
                        ],
                        max_length=24,
                        null=True,
                        verbose_name="Chuyên môn, nghiệp vụ",
                    ),
                ),
                (
                    "political",
                    models.CharField(
                        choices=[
                            ("pol_elementary", "Sơ cấp lý luận chính trị"),
                            ("pol_intermediate", "Trung cấp lý luận chính trị"),
                            ("pol_advanced", "Cao cấp lý luận chính trị"),
                            ("pol_bachelor", "Cử nhân chính trị"),
                        ],
                        max_length=24,
                        null=True,
                        verbose_name="Lý luận chính trị",
                    ),
                ),
                (
                    "state_management",
                    models.CharField(
                        choices=[
                            ("sm_officer", "Chuyên viên"),
                            ("sm_principal", "Chuyên viên chính"),
                            ("sm_senior", "Chuyên viên cao cấp"),
                        ],
                        max_length=24,
                        null=True,
                        verbose_name="Quản lý nhà nước",
                    ),
                ),
                (
                    "it",
                    models.CharField(
                        choices=[("it_basic", "Cơ bản"), ("it_advanced", "Nâng cao")],
                        max_length=24,
                        null=True,
                        verbose_name="Tin học",
                    ),
                ),
                (
                    "foreign_language",
                    models.CharField(
                        choices=[
                            ("fl_basic", "Bậc 1–2"),
                            ("fl_intermediate", "Bậc 3–4"),
                            ("fl_advanced", "Bậc 5–6"),
                        ],
                        max_length=24,
                        null=True,
                        verbose_name="Ngoại ngữ",
                    ),
                ),
                ("studying", models.BooleanField(default=False)),
            ],
            options={
                "verbose_name": "trình độ cao nhất",
                "verbose_name_plural": "trình độ cao nhất",
            },
        ),
        # Filled once from the qualifications, before the indexes are built
        # (members/highest_levels.py keeps it from then on; its SQL is
        # copied here as it was when this migration was written).
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="highestlevels",
            index=models.Index(
                condition=models.Q(("general__isnull", False)),
                fields=["general"],
                name="highest_general_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="highestlevels",
            index=models.Index(
                condition=models.Q(("professional__isnull", False)),
                fields=["professional"],
                name="highest_professional_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="highestlevels",
            index=models.Index(
                condition=models.Q(("political__isnull", False)),
                fields=["political"],
                name="highest_political_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="highestlevels",
            index=models.Index(
                condition=models.Q(("state_management__isnull", False)),
                fields=["state_management"],
                name="highest_state_management_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="highestlevels",
            index=models.Index(
                condition=models.Q(("it__isnull", False)),
                fields=["it"],
                name="highest_it_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="highestlevels",
            index=models.Index(
                condition=models.Q(("foreign_language__isnull", False)),
                fields=["foreign_language"],
                name="highest_foreign_language_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="highestlevels",
            index=models.Index(
                condition=models.Q(("studying", True)),
                fields=["person"],
                name="highest_studying_idx",
            ),
        ),
    ]
