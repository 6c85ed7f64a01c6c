"""The yearly review's workflow (DOMAIN.md §3): a board's campaign over its
subtree, each grassroots organization's review of a year and the log of its
transitions. Split from assessments/models.py, which star-imports it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Unit

__all__ = [
    "OPEN_STATES",
    "OrganizationReview",
    "ReviewCampaign",
    "ReviewState",
    "ReviewTransition",
]


# --- The yearly campaign and the per-organization workflow ----------------


class ReviewCampaign(models.Model):
    """A board opens the year's review over its subtree, with its deadlines."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="review_campaigns"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    entry_deadline = models.DateField(_("hạn nhập"))
    decision_deadline = models.DateField(_("hạn quyết định"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        ordering = ["-year", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], name="reviewcampaign_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(decision_deadline__gte=F("entry_deadline")),
                name="reviewcampaign_decision_after_entry",
                violation_error_message=_("Hạn quyết định phải sau hạn nhập."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.year}"


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã trình")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")


# Entry is open in these states; submitted waits for the board, approved locks.
OPEN_STATES = (ReviewState.DRAFT, ReviewState.RETURNED)


class OrganizationReview(models.Model):
    """The year's review of one grassroots organization: its workflow state."""

    organization = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reviews"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    state = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=ReviewState.choices,
        default=ReviewState.DRAFT,
    )
    # Shown to the secretary while the review is returned.
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ đánh giá")
        verbose_name_plural = _("hồ sơ đánh giá")
        ordering = ["organization__name", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="organizationreview_once_a_year"
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="organizationreview_returned_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}: {self.get_state_display()}"

    @property
    def is_locked(self) -> bool:
        return self.state == ReviewState.APPROVED

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ReviewTransition(models.Model):
    """Who moved a review from one state to another, when, and why."""

    # History is never deleted: a review with transitions cannot be deleted
    # (issue #16: deleting an approved review took its log with it and made
    # the locked year editable again).
    review = models.ForeignKey(
        OrganizationReview, on_delete=models.PROTECT, related_name="transitions"
    )
    from_state = models.CharField(
        _("từ"), max_length=12, choices=ReviewState.choices, blank=True
    )
    to_state = models.CharField(_("sang"), max_length=12, choices=ReviewState.choices)
    reason = models.TextField(_("lý do"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chuyển trạng thái")
        verbose_name_plural = _("chuyển trạng thái")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.review}: {self.from_state} → {self.to_state}"
