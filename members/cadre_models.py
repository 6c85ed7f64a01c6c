"""Qualifications, positions and their holdings, and discipline (DOMAIN.md
§4). Split from members/models.py, which star-imports it."""

from __future__ import annotations

import pgtrigger
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# Căn cước (Law on Identification 2023): 12 digits.
from members.models import Person, ProvinceCopy, province_copy, province_to_rows
from members.qualifications import LEVEL_CHOICES, Dimension, levels_of
from members.querysets import (
    PositionHoldingQuerySet,
)
from organizations.models import DateRange, Unit


class QualificationStatus(models.TextChoices):
    COMPLETED = "completed", _("Đã có")
    STUDYING = "studying", _("Đang học")


class Qualification(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="qualifications"
    )
    dimension = models.CharField(
        _("lĩnh vực"), max_length=20, choices=Dimension.choices
    )
    level = models.CharField(_("trình độ"), max_length=24, choices=LEVEL_CHOICES)
    rank = models.PositiveSmallIntegerField(_("bậc"), editable=False)
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=QualificationStatus.choices,
        default=QualificationStatus.COMPLETED,
    )
    expected_year = models.PositiveSmallIntegerField(
        _("năm dự kiến xong"), null=True, blank=True
    )
    field = models.CharField(_("chuyên ngành"), max_length=120, blank=True)
    institution = models.CharField(_("cơ sở đào tạo"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("năm tốt nghiệp"), null=True, blank=True)

    class Meta:
        verbose_name = _("trình độ")
        verbose_name_plural = _("trình độ")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="completed") | Q(expected_year__isnull=False),
                name="qualification_studying_has_expected_year",
                violation_error_message=_("Đang học thì cần năm dự kiến hoàn thành."),
            ),
            models.UniqueConstraint(
                fields=["person", "dimension", "level", "status"],
                name="qualification_unique_per_level",
            ),
        ]
        # The lists read levels from ``HighestLevels``, not from here
        # (members/0037 dropped the indexes their filters probed).
        indexes = [models.Index(fields=["person", "dimension", "rank"])]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()}: {self.get_level_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        from members.qualifications import LEVEL_RANK

        self.rank = LEVEL_RANK[self.level]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def _highest(dimension: Dimension) -> models.CharField:
    return models.CharField(
        dimension.label, max_length=24, null=True, choices=levels_of(dimension)
    )


class HighestLevels(models.Model):
    """A person's highest completed level per dimension, and whether they
    study now: what the lists show and filter on (``person__highest_levels``),
    read by a plain WHERE on an index instead of a search through the
    qualifications. Written only by ``members.highest_levels.refresh`` in the
    transaction that changes the person's qualifications (the services, the
    import, the demo and synthetic data); a person without qualifications
    has no row. "Highest" is the greatest rank, then the latest year, then
    the last recorded: political advanced and bachelor share a rank
    (DOMAIN.md §4), and the person counts under the one they got last."""

    person = models.OneToOneField(
        Person,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="highest_levels",
    )
    general = _highest(Dimension.GENERAL)
    professional = _highest(Dimension.PROFESSIONAL)
    political = _highest(Dimension.POLITICAL)
    state_management = _highest(Dimension.STATE_MANAGEMENT)
    it = _highest(Dimension.IT)
    foreign_language = _highest(Dimension.FOREIGN_LANGUAGE)
    studying = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("trình độ cao nhất")
        verbose_name_plural = _("trình độ cao nhất")
        # One index per dimension, without the people who have no level in
        # it (a filter's "= level" implies NOT NULL, so PostgreSQL uses it),
        # and the few who study now.
        indexes = [
            *(
                models.Index(
                    fields=[dimension],
                    condition=Q(**{f"{dimension}__isnull": False}),
                    name=f"highest_{dimension}_idx",
                )
                for dimension in Dimension.values
            ),
            models.Index(
                fields=["person"],
                condition=Q(studying=True),
                name="highest_studying_idx",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class PositionGroup(models.TextChoices):
    ELECTED = "elected", _("Cán bộ chuyên trách cấp xã")
    CIVIL_SERVANT = "civil_servant", _("Công chức cấp xã")
    PART_TIME = "part_time", _("Người hoạt động không chuyên trách")
    VILLAGE = "village", _("Thôn, tổ dân phố")
    OTHER = "other", _("Khác")


class Position(models.Model):
    """A catalogue entry: Party secretary, chair of the People's Committee, village head…"""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên chức vụ"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    group = models.CharField(_("nhóm"), max_length=16, choices=PositionGroup.choices)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Origin(models.TextChoices):
    LOCAL = "local", _("Tại chỗ")
    ROTATED_DOWN = "rotated_down", _("Luân chuyển từ cấp trên về")
    ROTATED_HORIZONTAL = "rotated_horizontal", _("Luân chuyển ngang")
    ROTATED_UP = "rotated_up", _("Luân chuyển lên cấp trên")
    ARMED_FORCES = "armed_forces", _("Tăng cường từ lực lượng vũ trang")
    GRADUATES = "graduates", _("Đề án trí thức trẻ, sinh viên tốt nghiệp")


class PositionHolding(ProvinceCopy):
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="holdings",
        verbose_name=_("người"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="holdings",
        verbose_name=_("đơn vị"),
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        related_name="holdings",
        verbose_name=_("chức vụ"),
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    is_concurrent = models.BooleanField(_("kiêm nhiệm"), default=False)
    origin = models.CharField(
        _("nguồn"), max_length=24, choices=Origin.choices, default=Origin.LOCAL
    )
    objects = PositionHoldingQuerySet.as_manager()

    class Meta:
        verbose_name = _("chức vụ đảm nhiệm")
        verbose_name_plural = _("chức vụ đảm nhiệm")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="holding_ends_after_start",
                violation_error_message=_(
                    "Ngày thôi giữ chức vụ phải sau ngày bắt đầu."
                ),
            ),
            ExclusionConstraint(
                name="holding_no_overlap_same_post",
                expressions=[
                    ("person", RangeOperators.EQUAL),
                    ("unit", RangeOperators.EQUAL),
                    ("position", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_(
                    "Người này đã giữ chức vụ này trong khoảng thời gian đó."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "position", "valid_from"]),
            # A province's cadres (its range first, as for memberships).
            models.Index(fields=["province", "id"], name="holding_province_idx"),
        ]
        triggers = [province_copy("holding_province", "unit_id")]

    def __str__(self) -> str:
        return f"{self.person} — {self.position} — {self.unit}"


pgtrigger.register(
    province_to_rows("unit_province_to_holdings", "members_positionholding", "unit_id")
)(Unit)


class DisciplineForm(models.TextChoices):
    REPRIMAND = "reprimand", _("Khiển trách")
    WARNING = "warning", _("Cảnh cáo")
    REMOVAL = "removal", _("Cách chức")
    EXPULSION = "expulsion", _("Khai trừ")
    DISSOLUTION = "dissolution", _("Giải tán")


# Party Charter: probationary members may only be reprimanded or warned;
# organizations are reprimanded, warned or dissolved.
PROBATIONARY_FORMS = (DisciplineForm.REPRIMAND, DisciplineForm.WARNING)
MEMBER_FORMS = (
    DisciplineForm.REPRIMAND,
    DisciplineForm.WARNING,
    DisciplineForm.REMOVAL,
    DisciplineForm.EXPULSION,
)
ORGANIZATION_FORMS = (
    DisciplineForm.REPRIMAND,
    DisciplineForm.WARNING,
    DisciplineForm.DISSOLUTION,
)


class Discipline(models.Model):
    """A disciplinary decision against a member or an organization."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disciplines",
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="disciplines",
        verbose_name=_("tổ chức bị kỷ luật / nơi sinh hoạt"),
    )
    subject_is_unit = models.BooleanField(_("kỷ luật tổ chức"), default=False)
    form = models.CharField(
        _("hình thức"), max_length=16, choices=DisciplineForm.choices
    )
    date = models.DateField(_("ngày quyết định"))
    deciding_body = models.CharField(_("cơ quan quyết định"), max_length=200)
    decision_number = models.CharField(_("số quyết định"), max_length=80)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("kỷ luật")
        verbose_name_plural = _("kỷ luật")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_is_unit=True, person__isnull=True)
                | Q(subject_is_unit=False, person__isnull=False),
                name="discipline_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.date}"
