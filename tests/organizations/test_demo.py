"""The demo province: its 2024 and 2026 trees, idempotency, and its users."""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from organizations import demo
from organizations.models import (
    Assignment,
    EventKind,
    Level,
    ResidentialCoverage,
    ResidentialUnit,
    Unit,
    UnitEvent,
    UnitLink,
    UnitName,
)

D2024 = datetime.date(2024, 12, 31)
D2026 = datetime.date(2026, 1, 1)


def subtree(code: str, day: datetime.date) -> set[str]:
    root = Unit.objects.get(code=code)
    return set(Unit.objects.subtree_of(root.pk, on=day).values_list("code", flat=True))


def snapshot() -> dict[str, object]:
    return {
        "units": sorted(
            Unit.objects.values_list("code", "name", "level", "opened_on", "closed_on")
        ),
        "links": sorted(
            UnitLink.objects.values_list(
                "child__code", "parent__code", "valid_from", "valid_to"
            )
        ),
        "events": sorted(
            UnitEvent.objects.values_list("kind", "date", "decision_number")
        ),
        "names": UnitName.objects.count(),
        "villages": sorted(
            ResidentialCoverage.objects.values_list(
                "residential_unit__code",
                "residential_unit__commune__code",
                "covering_cell__code",
                "valid_to",
            ),
            key=str,
        ),
        "users": sorted(User.objects.values_list("username", flat=True)),
        "assignments": Assignment.objects.count(),
    }


def test_demo_province_before_and_after_the_2025_reorganization(
    db, client, django_assert_max_num_queries
) -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    y2024 = subtree("NA", D2024)
    y2026 = subtree("NA", D2026)
    # 2024: two districts, their communes (Ngọc Long from the 2020 merger), cells.
    assert {"TC", "TK", "TC-TPH", "TC-NLO", "TC-TLO-T1", "TK-HSO-T1"} <= y2024
    assert {"TC-TLO", "TC-TNG", "X-TCH"}.isdisjoint(y2024)
    assert "TC-TLO" in subtree("NA", datetime.date(2019, 6, 1))
    # 2026: no districts; new commune committees with chi bộ cơ sở; the school
    # committee and its cells moved, not merged.
    assert {"X-TCH", "X-TKY", "X-TPU", "X-TC-TPH-T1", "TC-THPT1-TOAN"} <= y2026
    assert {"TC", "TK", "TC-TPH", "TC-NLO", "TC-DCD"}.isdisjoint(y2026)
    assert subtree("X-TCH", D2026) >= {"TC-THPT1", "TC-CHE", "X-TC-TLO-T1"}
    levels = dict(Unit.objects.open_on(D2026).values_list("code", "level"))
    assert levels["X-TCH"] == Level.SUPERIOR
    assert levels["X-TC-TPH-T1"] == Level.GRASSROOTS_CELL
    assert Unit.objects.get(code="TC-TPH-T1").level == Level.CELL
    # Lineage: each old village cell leads to its 2025 grassroots cell.
    event = UnitEvent.objects.get(
        predecessors__code="TC-TPH-T1", kind=EventKind.REORGANIZE
    )
    assert event.kind == EventKind.REORGANIZE
    assert list(event.successors.values_list("code", flat=True)) == ["X-TC-TPH-T1"]
    merge = UnitEvent.objects.get(successors__code="X-TCH")
    assert set(merge.predecessors.values_list("code", flat=True)) == {
        "TC-TPH",
        "TC-TLA",
        "TC-NLO",
        "TC-TLI",
    }
    difficult = Unit.objects.filter(is_difficult_area=True)
    assert set(difficult.values_list("code", flat=True)) == {
        "TK-HSO",
        "TK-NPH",
        "X-TPU",
    }
    # Villages: a shared cell, a village without a cell, heads who are not members.
    villages = ResidentialUnit.objects.filter(closed_on__isnull=True)
    now = ResidentialCoverage.objects.filter(
        valid_to__isnull=True, residential_unit__in=villages
    )
    assert now.filter(covering_cell__code="X-TC-TPH-T6").count() == 2
    assert now.filter(covering_cell__isnull=True).exists()
    assert now.filter(head_is_party_member=False).exists()
    assert villages.filter(commune__code="X-TCH").count() == 7 + 6 + 5 + 4 + 8

    admin = User.objects.get(username="quantri")
    client.force_login(admin)
    tree_url = reverse("organizations:tree")
    province = Unit.objects.get(code="NA")
    children_url = reverse("organizations:tree_children", args=[province.pk])
    page_2024 = client.get(children_url + "?as_of=2024-12-31").content.decode()
    assert ">Đảng bộ huyện Thanh Chương</a>" in page_2024
    assert ">Đảng bộ huyện Tân Kỳ</a>" in page_2024
    assert "Đảng bộ xã Thanh Chương<" not in page_2024
    with django_assert_max_num_queries(8):
        page_2026 = client.get(children_url + "?as_of=2026-01-01").content.decode()
    assert ">Đảng bộ xã Thanh Chương</a>" in page_2026
    assert ">Đảng bộ xã Tân Phú</a>" in page_2026
    assert "Đảng bộ huyện" not in page_2026
    assert ">Đảng bộ tỉnh Nghệ An</a>" in client.get(tree_url).content.decode()


def test_seed_demo_twice_changes_nothing(db) -> None:
    demo.seed()
    first = snapshot()
    demo.seed()
    assert snapshot() == first


def _listed(client, query: str = "") -> set[str]:
    page = client.get(reverse("organizations:unit_list") + query).content.decode()
    return set(re.findall(r'<td class="code">([^<]+)</td>', page))


def test_each_demo_user_sees_their_part_of_the_province(db, client) -> None:
    demo.seed()
    logins = {username: code for username, _role, code, _d in demo.DEMO_USERS}
    assert set(logins) == {
        "quantri",
        "bantochuc_tinh",
        "bantochuc_xa",
        "bithu",
        "thuongvu",
    }
    school = Unit.objects.get(code="TC-THPT1")
    hospital = Unit.objects.get(code="TK-BV")

    client.force_login(User.objects.get(username="bithu"))
    assert _listed(client) == {
        "TC-THPT1",
        "TC-THPT1-TOAN",
        "TC-THPT1-VAN",
        "TC-THPT1-KHTN",
    }
    for day in ("2024-12-31", "2026-01-01"):
        page = client.get(reverse("organizations:tree") + f"?as_of={day}")
        assert ">Đảng bộ Trường THPT Thanh Chương 1</a>" in page.content.decode()
    detail = reverse("organizations:unit_detail", args=[hospital.pk])
    assert client.get(detail).status_code == 404

    client.force_login(User.objects.get(username="bantochuc_xa"))
    listed = _listed(client, "?q=dang+bo")
    assert {"X-TCH", "TC-TPH", "TC-NLO", "TC-TLO", "TC-THPT1"} <= listed
    assert {"NA", "TC", "X-TKY", "TK-BV", "TK-HSO", "TC-DCD"}.isdisjoint(listed)
    assert client.get(detail).status_code == 404
    page_2026 = client.get(reverse("organizations:tree")).content.decode()
    assert ">Đảng bộ xã Thanh Chương</a>" in page_2026
    assert "Tân Kỳ" not in page_2026
    # In 2024 the same officer sees the communes that became theirs.
    page_2024 = client.get(
        reverse("organizations:tree") + "?as_of=2024-12-31"
    ).content.decode()
    for name in ("Thanh Phong", "Thanh Lâm", "Ngọc Long", "Thanh Linh"):
        assert f">Đảng bộ xã {name}</a>" in page_2024
    # The school committee was moved (not merged) under the new commune on
    # 1 July 2025: in 2024 it belonged to the district, so the commune's
    # officer does not see it in that year's tree (dated access, docs/access.md).
    assert ">Đảng bộ Trường THPT Thanh Chương 1</a>" not in page_2024
    assert "Đảng bộ huyện" not in page_2024
    assert "Tân Kỳ" not in page_2024
    detail = reverse("organizations:unit_detail", args=[school.pk])
    assert client.get(detail).status_code == 200

    for username in ("bantochuc_tinh", "thuongvu", "quantri"):
        client.force_login(User.objects.get(username=username))
        assert client.get(detail).status_code == 200
        hospital_page = reverse("organizations:unit_detail", args=[hospital.pk])
        assert client.get(hospital_page).status_code == 200
