"""The reports by slug: each a module with SLUG, TITLE and ``build()``."""

from __future__ import annotations

from types import ModuleType

from assessments.reports import (
    cadre_standardization,
    coverage,
    member_quality,
    organization_quality,
    trends,
)

REPORTS: dict[str, ModuleType] = {
    m.SLUG: m
    for m in (
        organization_quality,
        member_quality,
        coverage,
        cadre_standardization,
        trends,
    )
}
