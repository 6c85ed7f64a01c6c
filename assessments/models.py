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

from members.models import Person
from organizations.models import Unit


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
        Unit, on_delete=models.PROTECT, related_name="classifications"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.ForeignKey(ScaleLevel, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(
        _("điểm"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    remarks = models.TextField(_("nhận xét"), blank=True)
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
        Person, on_delete=models.PROTECT, related_name="classifications"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    # The cell the member was classified in that year: a later transfer does
    # not move last year's classification.
    cell = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="member_classifications"
    )
    level = models.ForeignKey(ScaleLevel, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(
        _("điểm"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    remarks = models.TextField(_("nhận xét"), blank=True)
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
