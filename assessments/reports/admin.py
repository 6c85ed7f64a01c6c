"""Administrators edit position standards and targets (issue #5).

Imported by assessments/admin.py, the module Django's admin autodiscovery
loads, so the pages exist whether or not the report URLs were imported.
"""

from __future__ import annotations

from django.contrib import admin

from assessments.models import PositionStandard, Target


@admin.register(PositionStandard)
class PositionStandardAdmin(admin.ModelAdmin):
    list_display = [
        "position_code",
        "regulation",
        "effective_from",
        "effective_to",
        "min_general_rank",
        "min_professional_rank",
        "min_professional_rank_difficult",
        "min_political_rank",
        "min_state_management_rank",
    ]
    list_filter = ["regulation"]
    search_fields = ["position_code", "note"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = [
        "description",
        "unit",
        "indicator",
        "from_year",
        "to_year",
        "min_value",
        "max_value",
    ]
    list_filter = ["indicator", "from_year"]
    search_fields = ["description", "unit__name"]
    raw_id_fields = ["unit"]
