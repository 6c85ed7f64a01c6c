"""Related yearly records (issue #18): votes of confidence for cadres
(QĐ 96-QĐ/TW), cell meetings scored on the 100-point rubric (DOMAIN.md §3)
and the model-criteria checklists kept as each province's data. Split from
assessments/models.py, which star-imports it."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from members.models import Person
from organizations.models import Unit

__all__ = [
    "CellMeeting",
    "ConfidenceVote",
    "CriteriaCheck",
    "CriteriaItem",
    "CriteriaResult",
    "CriteriaSet",
    "MeetingRating",
]


class ConfidenceVote(models.Model):
    """A cadre's vote of confidence (lấy phiếu tín nhiệm, QĐ 96-QĐ/TW 2023)."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="confidence_votes",
        verbose_name=_("cán bộ"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    voters = models.PositiveIntegerField(_("số người được lấy phiếu"))
    high = models.PositiveIntegerField(_("tín nhiệm cao"), default=0)
    confidence = models.PositiveIntegerField(_("tín nhiệm"), default=0)
    low = models.PositiveIntegerField(_("tín nhiệm thấp"), default=0)

    class Meta:
        verbose_name = _("lấy phiếu tín nhiệm")
        verbose_name_plural = _("lấy phiếu tín nhiệm")
        constraints = [
            models.CheckConstraint(
                condition=Q(voters__gte=F("high") + F("confidence") + F("low")),
                name="confidencevote_counts_within_voters",
                violation_error_message=_(
                    "Tổng số phiếu vượt số người được lấy phiếu."
                ),
            ),
            models.UniqueConstraint(
                fields=["person", "unit", "year", "position"],
                name="confidencevote_once_a_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}"

    # QĐ 96-QĐ/TW (2023): over half low → out of planning; two thirds or more
    # low → the competent body considers dismissal. Counted against the
    # number of people asked to vote.
    @property
    def out_of_planning(self) -> bool:
        return self.voters > 0 and self.low * 2 > self.voters

    @property
    def dismissal(self) -> bool:
        return self.voters > 0 and self.low * 3 >= self.voters * 2


class MeetingRating(models.TextChoices):
    GOOD = "good", _("Tốt")
    FAIR = "fair", _("Khá")
    AVERAGE = "average", _("Trung bình")
    POOR = "poor", _("Kém")


class CellMeeting(models.Model):
    """One cell meeting scored on the 100-point rubric (Nghệ An QĐ 08-QĐ/TU
    2021, updated by QĐ 27-QĐ/TU 2023)."""

    cell = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("chi bộ"),
    )
    date = models.DateField(_("ngày họp"))
    is_thematic = models.BooleanField(_("sinh hoạt chuyên đề"), default=False)
    preparation = models.DecimalField(
        _("chuẩn bị (20)"), max_digits=4, decimal_places=1
    )
    attendance = models.DecimalField(_("dự họp (10)"), max_digits=4, decimal_places=1)
    conduct = models.DecimalField(_("tiến hành (45)"), max_digits=4, decimal_places=1)
    rules = models.DecimalField(
        _("chấp hành nguyên tắc (15)"), max_digits=4, decimal_places=1
    )
    conclusions = models.DecimalField(
        _("chất lượng kết luận (10)"), max_digits=4, decimal_places=1
    )

    class Meta:
        verbose_name = _("chất lượng sinh hoạt chi bộ")
        verbose_name_plural = _("chất lượng sinh hoạt chi bộ")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(preparation__gte=0, preparation__lte=20)
                & Q(attendance__gte=0, attendance__lte=10)
                & Q(conduct__gte=0, conduct__lte=45)
                & Q(rules__gte=0, rules__lte=15)
                & Q(conclusions__gte=0, conclusions__lte=10),
                name="cellmeeting_rubric_maxima",
                violation_error_message=_("Điểm vượt mức tối đa của tiêu chí."),
            ),
        ]
        indexes = [models.Index(fields=["cell", "date"])]

    def __str__(self) -> str:
        return f"{self.cell} {self.date}"

    @property
    def total(self):  # type: ignore[no-untyped-def]
        return (
            self.preparation
            + self.attendance
            + self.conduct
            + self.rules
            + self.conclusions
        )


class CriteriaSet(models.Model):
    """A province's model criteria ("5 tốt, 4 không", "chi bộ 4 tốt"…)."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên bộ tiêu chí"), max_length=200)
    province = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria_sets",
        verbose_name=_("tỉnh ban hành"),
    )
    regulation = models.CharField(_("văn bản"), max_length=200, blank=True)
    valid_from_year = models.PositiveSmallIntegerField(_("từ năm"))
    valid_to_year = models.PositiveSmallIntegerField(
        _("đến năm"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")

    def __str__(self) -> str:
        return self.name


class CriteriaItem(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    text = models.CharField(_("tiêu chí"), max_length=300)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set", "order"]

    def __str__(self) -> str:
        return self.text


class CriteriaResult(models.Model):
    """Which items of a criteria set an organization met in a year."""

    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.PROTECT,
        related_name="results",
        verbose_name=_("bộ tiêu chí"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ chức, chi bộ"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    met_items = models.ManyToManyField(
        CriteriaItem, blank=True, related_name="+", through="CriteriaCheck"
    )
    remarks = models.TextField(_("nhận xét"), blank=True)

    class Meta:
        verbose_name = _("kết quả tiêu chí")
        verbose_name_plural = _("kết quả tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "unit", "year"], name="criteriaresult_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criteria_set} — {self.unit} {self.year}"


class CriteriaCheck(models.Model):
    """An item met by a result: the many-to-many table of ``met_items``,
    named so that the audit trail records each item ticked or unticked
    (assessments.audit_models). Its table is the one Django made for it."""

    criteriaresult = models.ForeignKey(
        CriteriaResult, on_delete=models.CASCADE, verbose_name=_("kết quả tiêu chí")
    )
    criteriaitem = models.ForeignKey(
        CriteriaItem, on_delete=models.CASCADE, verbose_name=_("tiêu chí")
    )

    class Meta:
        db_table = "assessments_criteriaresult_met_items"
        verbose_name = _("tiêu chí đạt")
        verbose_name_plural = _("tiêu chí đạt")
        unique_together = [("criteriaresult", "criteriaitem")]

    def __str__(self) -> str:
        return str(self.criteriaitem)
