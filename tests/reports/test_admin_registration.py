from __future__ import annotations

from django.contrib import admin

from assessments.models import PositionStandard, Target


def test_standards_and_targets_are_editable_in_the_admin() -> None:
    assert admin.site.is_registered(PositionStandard)
    assert admin.site.is_registered(Target)
