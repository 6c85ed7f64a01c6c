"""Yearly classification (DOMAIN.md §3): scales as data, classifications that
store their scale, and the per-organization review workflow.

A scale is valid for a span of years; every classification row keeps the
scale and level it was given in, and each level carries a comparable ``tier``
(1 = "clean and strong" / "excellent" … 4 = "weak" / "did not complete") so
trends can cross the 2018 and 2025 scale changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.targets import INDICATOR_CHOICES
from members.models import Person
from organizations.models import Unit
from partyquality.jobs import BackgroundJob


class ScaleSubject(models.TextChoices):
    ORGANIZATION = "organization", _("Tổ chức đảng, chi bộ")
    MEMBER = "member", _("Đảng viên")
    CADRE = "cadre", _("Cán bộ, công chức")


class Scale(models.Model):
    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên thang"), max_length=200)
    regulation = models.CharField(_("văn bản"), max_length=200)
    subject = models.CharField(
        _("đối tượng"), max_length=16, choices=ScaleSubject.choices
    )
    valid_from_year = models.PositiveSmallIntegerField(_("từ năm"))
    valid_to_year = models.PositiveSmallIntegerField(
        _("đến năm"), null=True, blank=True
    )
    # QĐ 366-QĐ/TW (2025): a 100-point score suggests the level.
    uses_score = models.BooleanField(_("chấm điểm 100"), default=False)

    class Meta:
        verbose_name = _("thang xếp loại")
        verbose_name_plural = _("thang xếp loại")
        ordering = ["subject", "valid_from_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to_year__isnull=True)
                | Q(valid_to_year__gte=F("valid_from_year")),
                name="scale_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScaleLevel(models.Model):
    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="levels")
    code = models.CharField(_("mã"), max_length=24)
    label = models.CharField(_("tên mức"), max_length=200)
    label_en = models.CharField(_("tên tiếng Anh"), max_length=200)
    short_label = models.CharField(_("viết tắt"), max_length=24, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    tier = models.PositiveSmallIntegerField(_("bậc so sánh"))
    # Lowest score that suggests this level, for scored scales (90/70/50/0).
    min_score = models.DecimalField(
        _("điểm tối thiểu"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("mức xếp loại")
        verbose_name_plural = _("mức xếp loại")
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "code"], name="scalelevel_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(tier__gte=1, tier__lte=4), name="scalelevel_tier_1_4"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class UnitClassification(models.Model):
    """The year's classification of a grassroots organization or a cell."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="classifications",
        verbose_name=_("tổ chức"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.ForeignKey(
        ScaleLevel,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("mức xếp loại"),
    )
    score = models.DecimalField(
        _("điểm"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    remarks = models.TextField(_("nhận xét"), blank=True)
    # QĐ 366-QĐ/TW conditions that can lower a scored level, e.g.
    # {"tasks_all_done": true, "tasks_exceeded": false} (assessments/rules.py).
    conditions = models.JSONField(_("điều kiện"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("xếp loại tổ chức")
        verbose_name_plural = _("xếp loại tổ chức")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], name="unitclassification_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="unitclassification_score_0_100",
            ),
        ]
        indexes = [models.Index(fields=["year", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.level}"


class MemberClassification(models.Model):
    """The year's classification of a member, kept with the cell of that year."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="classifications",
        verbose_name=_("đảng viên"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    # The cell the member was classified in that year: a later transfer does
    # not move last year's classification.
    cell = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="member_classifications",
        verbose_name=_("chi bộ"),
    )
    level = models.ForeignKey(
        ScaleLevel,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("mức xếp loại"),
    )
    score = models.DecimalField(
        _("điểm"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    remarks = models.TextField(_("nhận xét"), blank=True)
    # QĐ 366-QĐ/TW conditions that can lower a scored level, e.g.
    # {"tasks_all_done": true, "tasks_exceeded": false} (assessments/rules.py).
    conditions = models.JSONField(_("điều kiện"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("xếp loại đảng viên")
        verbose_name_plural = _("xếp loại đảng viên")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year"], name="memberclassification_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="memberclassification_score_0_100",
            ),
        ]
        indexes = [models.Index(fields=["year", "cell"])]

    def __str__(self) -> str:
        return f"{self.person} {self.year}: {self.level}"


# --- Rules per scale (DOMAIN.md §3 "Rules to check on entry") --------------


class RuleKind(models.TextChoices):
    # HD 21-HD/BTCTW (2019): members rated "excellent" are at most a share
    # (20%) of those rated "good" in each grassroots organization.
    EXCELLENT_QUOTA = "excellent_quota", _("Tỷ lệ đảng viên hoàn thành xuất sắc")
    # QĐ 132/124: a member disciplined during the year is not rated above a
    # level ("completed" by default).
    DISCIPLINED_CAP = "disciplined_cap", _("Bị kỷ luật trong năm")
    # QĐ 366-QĐ/TW: an organization rated "excellent" has no disciplined cell
    # or leading member that year.
    EXCELLENT_ORG_NO_DISCIPLINE = (
        "excellent_org_no_discipline",
        _("Tổ chức xuất sắc không có kỷ luật"),
    )


class ClassificationRule(models.Model):
    """One rule checked on entry, with its parameters and Vietnamese message.

    ``level_code`` is the level the rule limits (the "excellent" level for the
    quota and the organization rule, the highest level allowed for the cap);
    ``reference_code`` the level the quota is counted against ("good").
    The message is a ``str.format`` template; placeholders per kind are
    listed in assessments/rules.py.
    """

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("loại quy tắc"), max_length=32, choices=RuleKind.choices)
    share = models.DecimalField(
        _("tỷ lệ"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    level_code = models.CharField(_("mức áp dụng"), max_length=24)
    reference_code = models.CharField(_("mức so sánh"), max_length=24, blank=True)
    message = models.TextField(_("thông báo"))
    regulation = models.CharField(_("căn cứ"), max_length=200, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("quy tắc xếp loại")
        verbose_name_plural = _("quy tắc xếp loại")
        ordering = ["scale", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "kind"], name="classificationrule_once_per_scale"
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | Q(share__gt=0, share__lte=1),
                name="classificationrule_share_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scale.code}: {self.get_kind_display()}"


# ---------------------------------------------------------------------------
# Position standards, targets and rendered report files (issue #5, reports)
# ---------------------------------------------------------------------------


class PositionStandard(models.Model):
    """What a position requires, per qualification dimension, for a period.

    Decree 33/2023/NĐ-CP (Điều 8, Điều 10) sets the minimums for commune-level
    cadres and civil servants; the shipped rows are in
    fixtures/position_standards.json and administrators change them as the
    law changes (Law on Cadres and Civil Servants 2025). Ranks are those of
    members/qualifications.py; an empty minimum means "not required".
    """

    position_code = models.CharField(_("mã chức vụ"), max_length=40)
    regulation = models.CharField(_("văn bản"), max_length=200)
    effective_from = models.DateField(_("áp dụng từ"))
    effective_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    min_general_rank = models.PositiveSmallIntegerField(
        _("giáo dục phổ thông tối thiểu"), null=True, blank=True
    )
    min_professional_rank = models.PositiveSmallIntegerField(
        _("chuyên môn tối thiểu"), null=True, blank=True
    )
    # Decree 33/2023: intermediate accepted in mountainous, border, island,
    # ethnic-minority and especially difficult areas (Unit.is_difficult_area).
    min_professional_rank_difficult = models.PositiveSmallIntegerField(
        _("chuyên môn tối thiểu ở vùng khó khăn"), null=True, blank=True
    )
    professional_field_required = models.BooleanField(
        _("chuyên ngành phải phù hợp"), default=False
    )
    # Words one of which the recorded field must contain (accent-insensitive).
    professional_fields = models.CharField(
        _("chuyên ngành phù hợp (cách nhau bằng dấu phẩy)"),
        max_length=500,
        blank=True,
    )
    min_political_rank = models.PositiveSmallIntegerField(
        _("lý luận chính trị tối thiểu"), null=True, blank=True
    )
    min_state_management_rank = models.PositiveSmallIntegerField(
        _("quản lý nhà nước tối thiểu"), null=True, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("tiêu chuẩn chức danh")
        verbose_name_plural = _("tiêu chuẩn chức danh")
        ordering = ["position_code", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["position_code", "effective_from"],
                name="positionstandard_once_per_start",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gt=F("effective_from")),
                name="positionstandard_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position_code} ({self.regulation})"


class Measure(models.TextChoices):
    COUNT = "count", _("Số lượng")
    PERCENT = "percent", _("Tỷ lệ %")


class Target(models.Model):
    """A target (chỉ tiêu) a unit set for a term on one report indicator."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="targets")
    from_year = models.PositiveSmallIntegerField(_("từ năm"))
    to_year = models.PositiveSmallIntegerField(_("đến năm"))
    # A code of assessments.targets.INDICATORS.
    # A choice: a mistyped code was saved and never shown (issue #19).
    indicator = models.CharField(
        _("chỉ tiêu"), max_length=60, choices=INDICATOR_CHOICES
    )
    measure = models.CharField(
        _("đơn vị đo"), max_length=8, choices=Measure.choices, default=Measure.PERCENT
    )
    min_value = models.DecimalField(
        _("tối thiểu"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    # "> 90%" is strict; "≥ 85%" is not.
    min_exclusive = models.BooleanField(_("lớn hơn hẳn"), default=False)
    max_value = models.DecimalField(
        _("tối đa"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    # "dưới 1%" is strict; "không quá 1%" is not.
    max_exclusive = models.BooleanField(_("nhỏ hơn hẳn"), default=False)
    description = models.CharField(_("nội dung"), max_length=300)
    resolution = models.CharField(_("nghị quyết"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["unit", "from_year", "indicator"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_year__gte=F("from_year")), name="target_term_ordered"
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=False) | Q(max_value__isnull=False),
                name="target_has_a_bound",
                violation_error_message=_(
                    "Chỉ tiêu cần giá trị tối thiểu hoặc tối đa."
                ),
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=F("min_value")),
                name="target_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class ReportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")


class ReportJob(BackgroundJob):
    """A report file rendered in the background and kept for its requester."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_jobs"
    )
    report = models.CharField(_("báo cáo"), max_length=40)
    root = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    compare_year = models.PositiveSmallIntegerField(null=True, blank=True)
    base_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # "Tạm tính": the years not approved are added, computed now.
    provisional = models.BooleanField(_("tạm tính"), default=False)
    format = models.CharField(_("định dạng"), max_length=8)
    status = models.CharField(
        _("trạng thái"),
        max_length=8,
        choices=ReportJobStatus.choices,
        default=ReportJobStatus.QUEUED,
    )
    # Relative to MEDIA_ROOT.
    file_path = models.CharField(max_length=300, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("tệp báo cáo")
        verbose_name_plural = _("tệp báo cáo")

    def __str__(self) -> str:
        return f"{self.report} {self.year} ({self.get_status_display()})"


# The audit trail's event models (pghistory triggers; who read member
# records is logged in partyquality.models), the review's workflow (campaigns, reviews,
# transitions), the related yearly records (votes of confidence, cell
# meetings, model-criteria checklists) and the yearly snapshots of approved years (issue #15) live
# beside these.
from assessments.audit_models import *  # noqa: E402, F403  (event models, see there)
from assessments.review_models import *  # noqa: E402, F403  (see there)
from assessments.snapshot_models import *  # noqa: E402, F403  (see there)
from assessments.yearly_record_models import *  # noqa: E402, F403  (see there)
