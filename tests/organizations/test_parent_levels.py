"""Who sits under whom (DOMAIN.md §2, ``organizations.models.ALLOWED_PARENTS``)
is checked the same way by the tree import and by the administrators' forms
and services: a cell straight under a province is refused by both, with the
same message, and nothing is written."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations import services
from organizations.models import Unit, UnitEvent, UnitLink
from organizations.tree_export import tree_rows
from partyquality import importing
from tests.organizations.test_tree_import import row, xlsx

CELL_UNDER_PROVINCE = (
    "“Chi bộ trực thuộc” không thể trực thuộc “Đảng bộ tỉnh/thành phố” (“NA”): "
    "cấp trên của “Chi bộ trực thuộc” phải là “Đảng bộ cơ sở” hoặc “Đảng bộ bộ "
    "phận”."
)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _state() -> tuple[int, int, int]:
    return Unit.objects.count(), UnitLink.objects.count(), UnitEvent.objects.count()


def test_the_tree_import_refuses_a_cell_under_the_province(
    province_officer, tree
) -> None:
    content = xlsx([row("NA-X", "Chi bộ X", "Chi bộ trực thuộc", "Khác", "NA")])
    before = _state()
    result = importing.import_file(
        "tree",
        BytesIO(content),
        commit=True,
        user=province_officer,
        within=tree.province,
    )
    assert not result.written
    assert [(r.number, r.errors) for r in result.error_rows] == [
        (2, [("Cấp", CELL_UNDER_PROVINCE)])
    ]
    assert _state() == before


def test_the_establish_form_refuses_a_cell_under_the_province(
    client, tree, admin_user
) -> None:
    client.force_login(admin_user)
    before = _state()
    response = client.post(
        reverse("organizations:unit_establish", args=[tree.province.pk]),
        {
            "code": "NA-X",
            "name": "Chi bộ X",
            "level": "cell",
            "kind": "other",
            "date": "2025-07-01",
            "decision_number": "15-QĐ/TU",
        },
    )
    assert response.status_code == 200  # the form again, with the message
    assert CELL_UNDER_PROVINCE in response.content.decode()
    assert _state() == before


def test_the_services_refuse_it_too(tree) -> None:
    """A move (and a merge's or split's new unit) goes through the same check."""
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.organization_move(
            unit=tree.cell1,
            new_parent=tree.province,
            date=datetime.date(2025, 7, 1),
            decision_number="16-QĐ/TU",
        )
    assert refused.value.messages == [CELL_UNDER_PROVINCE]
    assert _state() == before


def test_a_branch_built_through_the_form_re_imports_unchanged(
    client, tree, admin_user, board_officer
) -> None:
    """What the form lets through the import accepts: a commune and its cell
    established through the form, exported and imported again, unchanged."""
    client.force_login(admin_user)
    for parent, code, name, level, kind in (
        (tree.district, "TC-MOI", "Đảng bộ xã Mới", "grassroots_committee", "commune"),
        (None, "TC-MOI-1", "Chi bộ thôn 1 xã Mới", "cell", "village"),
    ):
        parent = parent or Unit.objects.get(code="TC-MOI")
        response = client.post(
            reverse("organizations:unit_establish", args=[parent.pk]),
            {
                "code": code,
                "name": name,
                "level": level,
                "kind": kind,
                "date": "2025-07-01",
                "decision_number": "17-QĐ/HU",
            },
        )
        assert response.status_code == 302, response.content.decode()
    content = xlsx(tree_rows(Unit.objects.get(code="TC-MOI")))
    result = importing.import_file(
        "tree", BytesIO(content), commit=False, user=board_officer, within=tree.district
    )
    assert result.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}
