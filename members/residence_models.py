"""Where a person lives (issue #19 §2): a dated village or residential group.

Where it is recorded, "villages without a party member" is computed from it
(members living in the village on 31 December); elsewhere from the commune's
yearly figure (organizations.ResidentialMemberCount). Split from
members/models.py, which star-imports it.
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Person
from organizations.models import DateRange, ResidentialUnit


class Residence(models.Model):
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="residences",
        verbose_name=_("người"),
    )
    residential_unit = models.ForeignKey(
        ResidentialUnit,
        on_delete=models.PROTECT,
        related_name="residences",
        verbose_name=_("thôn, tổ dân phố"),
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("nơi cư trú")
        verbose_name_plural = _("nơi cư trú")
        constraints = [
            ExclusionConstraint(
                name="residence_one_at_a_time",
                expressions=[
                    ("person", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_(
                    "Người này đã có nơi cư trú trong thời gian đó."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="residence_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["residential_unit", "valid_from"], name="residence_village_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.residential_unit}"
