"""A province loaded from workbooks only, through the upload pages (issue #19,
"Done when"): the tree (1,510 units under the province), villages with dated
coverage, members, discipline and two years of classifications, each a
workbook posted to the upload page a user uses and confirmed; the two years
approved through the review pages; the official reports match figures
counted by hand, a past year's coverage differing from today's."""

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
from assessments.models import OrganizationReview, ReviewState
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
    """NA-01-01: village 1 covered by cell 1 throughout (7 members live there
    in 2024); village 2 without a cell until 2015 and without a member in
    2014 (the commune's figure: 0), then covered by cell 2 (4 members in
    2024). The "without a member" figures are the commune's yearly figures:
    no member records where they live."""
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
            2024,
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
            2014,
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


# The years classified: 2014 (QĐ 132-era scales) and 2024, both approved.
PAST, NOW = 2014, 2024
ORG_LEVELS = {
    PAST: ("Trong sạch, vững mạnh", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"),
    NOW: (
        "Hoàn thành xuất sắc nhiệm vụ",
        "Hoàn thành tốt nhiệm vụ",
        "Hoàn thành nhiệm vụ",
    ),
}
MEMBER_LEVELS = {
    PAST: ("Đủ tư cách, hoàn thành tốt nhiệm vụ", "Đủ tư cách, hoàn thành nhiệm vụ"),
    NOW: ("Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"),
}
ORGANIZATIONS = {"NA-01-01": range(1, 7), "NA-01-02": range(7, 11)}


def classification_rows(year: int) -> list[list[Any]]:
    """Two communes fully, as the board collects them: cells first, then
    members, then the organization. In each commune cells 1–8 "good" and
    cell 9 "completed"; every member "good" but member 3, reprimanded in
    2024 and so rated "completed" that year (QĐ 132/124). The communes: in
    2014 NA-01-01 top ("Trong sạch, vững mạnh"), NA-01-02 "good"; in 2024
    NA-01-01 "good", NA-01-02 top ("excellent")."""
    top, good, completed = ORG_LEVELS[year]
    member_good, member_completed = MEMBER_LEVELS[year]
    tops = {PAST: "NA-01-01", NOW: "NA-01-02"}
    rows = []
    for org, members in ORGANIZATIONS.items():
        for k in range(1, CELLS + 1):
            level = completed if k == CELLS else good
            rows.append([org, f"{org}-{k}", None, year, level, None, None])
        for n in members:
            level = member_completed if year == NOW and n == 3 else member_good
            rows.append([org, None, f"40.0000{n:02d}", year, level, None, None])
        level = top if tops[year] == org else good
        rows.append([org, org, None, year, level, None, None])
    return rows


def submit_and_approve(client, year: int) -> None:  # type: ignore[no-untyped-def]
    """Each commune's year sent up and approved, through the review pages'
    buttons (its figures then written once, read by the official reports)."""
    for code in ORGANIZATIONS:
        org = Unit.objects.get(code=code)
        for action, said in (
            ("review_submit", "Đã trình cấp trên."),
            ("review_approve", "Đã duyệt và khóa năm đánh giá."),
        ):
            page = client.post(
                reverse(f"assessments:{action}", args=[org.pk, year]), follow=True
            )
            assert said in page.content.decode(), page.content.decode()[:3000]
        assert OrganizationReview.objects.get(organization=org, year=year).state == (
            ReviewState.APPROVED
        )


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
    for year in (PAST, NOW):
        # 2 communes × (9 cells + the commune) + 10 members.
        assert "30 thêm mới" in upload(
            client,
            imports,
            workbook(CLASSIFICATIONS.headers, classification_rows(year)),
            "classifications",
        )
        submit_and_approve(client, year)

    # The official figures (approved years only), counted by hand from the
    # files above: the two approved communes, their 18 cells, 10 members.
    report = organization_quality.build(
        root=province, year=NOW, compare_year=PAST, user=admin_user
    )
    grassroots, cells = report.groups["grassroots"], report.groups["cell"]
    assert (grassroots.total, grassroots.classified) == (2, 2)
    assert grassroots.tiers == {1: 1, 2: 1, 3: 0, 4: 0}
    assert (cells.total, cells.classified) == (18, 18)
    assert cells.tiers == {1: 0, 2: 16, 3: 2, 4: 0}
    past = report.compare["grassroots"]
    assert past.tiers == {1: 1, 2: 1, 3: 0, 4: 0}
    members = member_quality.build(root=province, year=NOW, user=admin_user)
    assert members.now.members == 10
    assert sum(members.disciplined.values()) == 1
    # Coverage: in 2014 NA-01-01's second village had neither a cell nor a
    # member (its figure for 2014: 0); from 2015 cell 2 covers it, 4 members
    # live there in 2024. Today's figures would hide 2014's.
    then = coverage.build(root=province, year=PAST, user=admin_user)
    now = coverage.build(root=province, year=NOW, user=admin_user)
    assert (
        then.total.villages,
        then.total.without_cell,
        then.total.without_member,
    ) == (2, 1, 1)
    assert (
        now.total.villages,
        now.total.without_cell,
        now.total.without_member,
    ) == (2, 0, 0)
    # The coverage page a reader opens says the same, official, for each year:
    # totals (villages, without a cell, without a member) and the list.
    uncovered = "Thôn 2 Đảng bộ xã 1.1 Chưa có chi bộ, chưa có đảng viên"
    for year, totals, listed in (
        (PAST, r"Tổng cộng 2 50,0 % 1/2 50,0 % 1/2 ", True),
        (NOW, r"Tổng cộng 2 [^/]*? 0/2 [^/]*? 0/2 ", False),
    ):
        page = client.get(
            reverse("reports:report", args=[coverage.SLUG]),
            {"unit": province.pk, "year": year},
        ).content.decode()
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        assert "Số liệu chính thức" in text
        assert re.search(totals, text), text[-3000:]
        assert (uncovered in text) is listed
    assert (
        Discipline.objects.get().person
        == Membership.objects.get(card_number="40.000003").person
    )
