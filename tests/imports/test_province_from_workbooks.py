"""A province loaded from workbooks only, through the upload pages (issue #19,
"Done when"): the tree (1,511 units), villages with dated coverage, members,
discipline, two years of classifications; its reports match figures counted
by hand, a past year's coverage differing from today's."""

from __future__ import annotations

import datetime
import re
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from assessments.board_import import SPEC as CLASSIFICATIONS
from assessments.reports import coverage, member_quality, organization_quality
from members.import_jobs import import_job_run
from members.models import Discipline, ImportJob, Membership
from members.spreadsheet_templates import SPECS
from organizations.models import Unit
from organizations.tree_spreadsheet import TREE_SPEC
from organizations.village_spreadsheet import VILLAGE_SPEC

D = datetime.date
DISTRICTS, COMMUNES, CELLS = 10, 15, 9


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def workbook(headers: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for r in rows:
        sheet.append(r)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, url: str, content: bytes, kind: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Upload, review, confirm and let the worker write; the job page's text."""
    data: dict[str, Any] = {"file": SimpleUploadedFile("tep.xlsx", content)}
    if kind:
        data["kind"] = kind
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    review = client.get(response.url).content.decode()
    assert "dòng lỗi" not in review, review[:3000]
    token = re.search(r"/([0-9a-f]{32})/", response.url).group(1)
    confirmed = client.post(reverse("imports:confirm", args=[token]))
    import_job_run.call(ImportJob.objects.order_by("pk").last().pk)
    return client.get(confirmed.url).content.decode()


def tree_rows() -> list[list[Any]]:
    rows = []
    for d in range(1, DISTRICTS + 1):
        dc = f"NA-{d:02d}"
        rows.append(
            [dc, f"Đảng bộ huyện {d}", "Cấp trên trực tiếp cơ sở", "Huyện", "NA"]
        )
        for c in range(1, COMMUNES + 1):
            cc = f"{dc}-{c:02d}"
            rows.append([cc, f"Đảng bộ xã {d}.{c}", "Đảng bộ cơ sở", "Xã", dc])
            rows += [
                [
                    f"{cc}-{k}",
                    f"Chi bộ thôn {k}",
                    "Chi bộ trực thuộc",
                    "Thôn, bản, ấp",
                    cc,
                ]
                for k in range(1, CELLS + 1)
            ]
    return [[*r, D(2000, 1, 1), "1-QĐ/TU", None, None, None, "Không"] for r in rows]


def village_rows() -> list[list[Any]]:
    """NA-01-01: village 1 covered by cell 1 throughout; village 2 without a
    cell or member until 2015, then covered by cell 2 (4 members live there)."""
    base = ["Thôn", "NA-01-01", D(2000, 1, 1), None]
    head = [*base, "Hồ Văn B", "Không"]
    return [
        [
            "V1",
            "Thôn 1",
            *base,
            "NA-01-01-1",
            "Lê Văn A",
            "Có",
            D(2000, 1, 1),
            None,
            2010,
            7,
        ],
        [
            "V2",
            "Thôn 2",
            *head[:4],
            None,
            *head[4:],
            D(2000, 1, 1),
            D(2015, 1, 1),
            2010,
            0,
        ],
        [
            "V2",
            "Thôn 2",
            *head[:4],
            "NA-01-01-2",
            *head[4:],
            D(2015, 1, 1),
            None,
            2024,
            4,
        ],
    ]


def member_rows() -> list[list[Any]]:
    rows = []
    for n in range(1, 11):
        cell = "NA-01-01-1" if n <= 6 else "NA-01-02-1"
        values = {
            "full_name": f"Nguyễn Văn Thử {n}",
            "gender": "Nam",
            "date_of_birth": D(1970, 1, n),
            "ethnicity": "Kinh",
            "religion": "Không",
            "home_village": "Nghệ An",
            "national_id": f"0400700000{n:02d}",
            "card_number": f"40.0000{n:02d}",
            "admitted_on": D(2005, 1, 1),
            "full_member_on": D(2006, 1, 1),
            "cell_code": cell,
        }
        rows.append([values[c.key] for c in SPECS["members"].columns])
    return rows


def classification_rows(year: int) -> list[list[Any]]:
    """Two communes fully: their cells, members and themselves. 2023: both
    "good"; 2024: NA-01-02 "excellent"; member 3, reprimanded in 2024, is
    rated no higher than "completed" that year (QĐ 132/124)."""
    rows = []
    for org, members in (("NA-01-01", range(1, 7)), ("NA-01-02", range(7, 11))):
        for k in range(1, CELLS + 1):
            rows.append(
                [org, f"{org}-{k}", None, year, "Hoàn thành nhiệm vụ", None, None]
            )
        for n in members:
            capped = year == 2024 and n == 3
            level = "Hoàn thành nhiệm vụ" if capped else "Hoàn thành tốt nhiệm vụ"
            rows.append([org, None, f"40.0000{n:02d}", year, level, None, None])
        top = year == 2024 and org == "NA-01-02"
        level = "Hoàn thành xuất sắc nhiệm vụ" if top else "Hoàn thành tốt nhiệm vụ"
        rows.append([org, org, None, year, level, None, None])
    return rows


def test_a_province_loaded_from_workbooks_reports_hand_counted_figures(
    client, admin_user, tree
) -> None:
    client.force_login(admin_user)
    province = tree.province
    done = upload(
        client,
        reverse("organizations:unit_tree_import", args=[province.pk]),
        workbook(TREE_SPEC.headers, tree_rows()),
    )
    assert "1.510 thêm mới" in done
    assert Unit.objects.filter(code__startswith="NA-").count() == 1_510
    imports = reverse("imports:upload")
    assert "3 thêm mới" in upload(
        client, imports, workbook(VILLAGE_SPEC.headers, village_rows()), "villages"
    )
    assert "10 thêm mới" in upload(
        client, imports, workbook(SPECS["members"].headers, member_rows()), "members"
    )
    discipline = [
        [
            "40.000003",
            None,
            "Khiển trách",
            D(2024, 5, 2),
            "Đảng ủy xã",
            "7-QĐ/ĐU",
            "Vi phạm",
        ]
    ]
    assert "1 thêm mới" in upload(
        client, imports, workbook(SPECS["discipline"].headers, discipline), "discipline"
    )
    for year in (2023, 2024):
        assert "thêm mới" in upload(
            client,
            imports,
            workbook(CLASSIFICATIONS.headers, classification_rows(year)),
            "classifications",
        )

    # Counted by hand: 150 communes, 2 classified, in 2024 one excellent.
    report = organization_quality.build(
        root=province, year=2024, compare_year=2023, user=admin_user, provisional=True
    )
    grassroots = report.groups["grassroots"]
    assert (grassroots.total, grassroots.classified) == (150 + 2, 2)
    assert grassroots.tiers[1] == 1
    assert report.compare["grassroots"].tiers[1] == 0
    members = member_quality.build(
        root=province, year=2024, user=admin_user, provisional=True
    )
    assert members.now.members == 10
    assert sum(members.disciplined.values()) == 1
    # Coverage: 2010 had a village without a cell or member; 2024 none.
    past = coverage.build(root=province, year=2010, user=admin_user, provisional=True)
    now = coverage.build(root=province, year=2024, user=admin_user, provisional=True)
    assert (
        past.total.villages,
        past.total.without_cell,
        past.total.without_member,
    ) == (
        2,
        1,
        1,
    )
    assert (now.total.without_cell, now.total.without_member) == (0, 0)
    assert (
        Discipline.objects.get().person
        == Membership.objects.get(card_number="40.000003").person
    )
