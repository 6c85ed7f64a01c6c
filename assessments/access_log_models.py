"""Who viewed or exported member records (DOMAIN.md §7). Split from
assessments/models.py, which star-imports it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["AccessAction", "RecordAccess"]


class AccessAction(models.TextChoices):
    VIEW = "view", _("Xem")
    EXPORT = "export", _("Xuất")


class RecordAccess(models.Model):
    """Member files are confidential (DOMAIN.md §7): every view and export is
    logged with who, when, which records and from which page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(_("thao tác"), max_length=8, choices=AccessAction.choices)
    model = models.CharField(_("loại hồ sơ"), max_length=80)
    object_ids = models.JSONField(_("mã hồ sơ"), default=list, blank=True)
    count = models.PositiveIntegerField(_("số hồ sơ"), default=0)
    path = models.CharField(_("trang"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("truy cập hồ sơ")
        verbose_name_plural = _("truy cập hồ sơ")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.model} ({self.count})"
