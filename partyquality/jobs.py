"""What the background jobs share (a report file, a spreadsheet import):
the worker records how far it is, what went wrong and when it finished, and
the page that follows the job asks for it again until then."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BackgroundJob(models.Model):
    progress = models.PositiveSmallIntegerField(_("tiến độ %"), default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="%(class)s_progress_0_100"
            ),
        ]
