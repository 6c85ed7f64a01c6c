"""Spreadsheet imports in the background (members/import_jobs.py). Split
from members/models.py, which star-imports it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partyquality import column_mapping
from partyquality.jobs import BackgroundJob

# Căn cước (Law on Identification 2023): 12 digits.


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang ghi")
    DONE = "done", _("Đã ghi xong")
    REJECTED = "rejected", _("Không ghi: tệp có lỗi")
    FAILED = "failed", _("Lỗi")


class ImportJob(BackgroundJob):
    """A confirmed spreadsheet import, written in the background.

    Writing 100,000 rows takes tens of seconds: the page that follows it
    polls this row, whose ``progress`` the worker updates as it goes
    (members/import_jobs.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    token = models.CharField(max_length=32)
    kind = models.CharField(_("loại dữ liệu"), max_length=20)
    file_name = models.CharField(_("tệp"), max_length=255)
    # The confirm page's address, recorded with every row in the audit trail.
    url = models.CharField(max_length=300)
    # The confirming user's language: the worker writes the file's messages in it.
    language = models.CharField(max_length=8, default="vi")
    # Rows of the reviewed file, for the page that follows the writing.
    rows = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=8,
        choices=ImportJobStatus.choices,
        default=ImportJobStatus.QUEUED,
    )
    stage = models.CharField(max_length=8, blank=True)
    # {"new": n, "updated": n, "unchanged": n, "total": n} once written.
    counts = models.JSONField(null=True, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("lượt nhập bảng tính")
        verbose_name_plural = _("lượt nhập bảng tính")
        constraints = [
            *BackgroundJob.Meta.constraints,
            # One writing per upload: confirming twice (Back, a second click)
            # follows the first job instead of starting another.
            models.UniqueConstraint(
                fields=["token"],
                condition=Q(status__in=["queued", "running", "done"]),
                name="importjob_one_live_job_per_upload",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status not in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)


class UploadCheckStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang kiểm tra")
    DONE = "done", _("Đã kiểm tra xong")
    FAILED = "failed", _("Lỗi")


class UploadCheck(BackgroundJob):
    """The dry run of a large upload, run in the background.

    Checking 100,000 rows takes ~4–13 s (bench/RESULTS.md): too long to keep
    a request waiting with nothing to show. The review page follows the
    check's progress and shows its outcome once it is kept beside the upload
    (members/import_jobs.py); a small upload is still checked in the request.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=32)
    # The user's language: the worker writes the file's messages in it.
    language = models.CharField(max_length=8, default="vi")
    status = models.CharField(
        _("trạng thái"),
        max_length=8,
        choices=UploadCheckStatus.choices,
        default=UploadCheckStatus.QUEUED,
    )
    stage = models.CharField(max_length=8, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("lượt kiểm tra tệp nhập")
        verbose_name_plural = _("lượt kiểm tra tệp nhập")
        constraints = [
            *BackgroundJob.Meta.constraints,
            # The review asked again while a check runs follows that check.
            models.UniqueConstraint(
                fields=["token"],
                condition=Q(status__in=["queued", "running"]),
                name="uploadcheck_one_live_check_per_upload",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.token} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (UploadCheckStatus.DONE, UploadCheckStatus.FAILED)


class ColumnMapping(models.Model):
    """How a user's own spreadsheet maps to an import's columns, confirmed
    once and offered again the next time a file with the same headers comes
    (issue #19 §7; ``partyquality/column_mapping.py``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="column_mappings",
    )
    kind = models.CharField(_("loại dữ liệu"), max_length=20)
    # The file's headers as a set (column_mapping.signature): the same
    # export with its columns moved finds the same mapping.
    signature = models.CharField(max_length=64)
    headers = models.JSONField(_("tiêu đề của tệp"))
    # Column key → the file's header ("" or absent: not in this file).
    columns = models.JSONField(_("cột đã ghép"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cách ghép cột")
        verbose_name_plural = _("cách ghép cột")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "signature"],
                name="columnmapping_one_per_user_kind_headers",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {', '.join(self.headers)[:80]}"

    @classmethod
    def finder(cls, user: Any, kind: str) -> Callable[[list[str]], Any]:
        """The user's saved mapping of a file's headers, for a check to read
        the file through it in the same pass (``importing.SavedMapping``)."""

        def find(headers: list[str]) -> dict[str, str | None] | None:
            saved = cls.objects.filter(
                user=user, kind=kind, signature=column_mapping.signature(headers)
            ).first()
            return saved.columns if saved is not None else None

        return find
