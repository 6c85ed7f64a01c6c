from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook

from assessments import services
from assessments.audit_models import (
    MemberClassificationHistory,
    UnitClassificationHistory,
)
from assessments.models import (
    MemberClassification,
    OrganizationReview,
    ReviewCampaign,
    UnitClassification,
)
from assessments.progress import progress
from tests.assessments.factories import classify_all_good, level, make_member
from tests.factories import make_unit

YEAR = 2024


def _approved(tree, secretary, board_officer):  # type: ignore[no-untyped-def]
    classify_all_good(tree, YEAR, secretary)
    review = services.review_submit(
        user=secretary, organization=tree.commune, year=YEAR
    )
    return services.review_approve(user=board_officer, review=review)


def test_submission_lists_who_is_not_classified_yet(tree, secretary) -> None:
    make_member(tree.cell1, "Phạm Văn Thiếu")
    services.unit_classification_set(
        user=secretary,
        unit=tree.cell1,
        year=YEAR,
        level=level("organization", YEAR, "good"),
    )
    with pytest.raises(ValidationError) as exc:
        services.review_submit(user=secretary, organization=tree.commune, year=YEAR)
    assert exc.value.messages == [
        "Chưa xếp loại: Chi bộ thôn 2, Đảng bộ xã Thanh Phong, Phạm Văn Thiếu."
    ]


def test_cells_are_classified_before_their_organization(tree, secretary) -> None:
    with pytest.raises(ValidationError) as exc:
        services.unit_classification_set(
            user=secretary,
            unit=tree.commune,
            year=YEAR,
            level=level("organization", YEAR, "good"),
        )
    assert exc.value.messages == [
        "Xếp loại các chi bộ trực thuộc trước khi xếp loại Đảng bộ xã Thanh Phong "
        "(QĐ 124-QĐ/TW): còn 2 chi bộ chưa xếp loại."
    ]


def test_members_who_left_during_the_year_are_listed_with_a_note(tree) -> None:
    from assessments.selectors import review_sheet

    make_member(tree.cell1, "Đang Sinh Hoạt")
    make_member(tree.cell1, "Đã Chuyển Đi", until=datetime.date(2024, 6, 1))
    make_member(tree.cell1, "Chuyển Năm Trước", until=datetime.date(2023, 6, 1))
    rows = {r.name: r for r in review_sheet(tree.commune, YEAR).member_rows}
    assert set(rows) == {"Đang Sinh Hoạt", "Đã Chuyển Đi"}
    assert rows["Đã Chuyển Đi"].note == "Chuyển đi 01/06/2024"


def test_workflow_secretary_submits_officer_returns_and_approves(
    tree, secretary, board_officer
) -> None:
    classify_all_good(tree, YEAR, secretary)
    review = services.review_submit(
        user=secretary, organization=tree.commune, year=YEAR
    )
    assert review.state == "submitted"
    with pytest.raises(PermissionDenied):
        services.review_approve(user=secretary, review=review)
    with pytest.raises(ValidationError) as exc:
        services.review_return(user=board_officer, review=review, reason=" ")
    assert exc.value.messages == ["Cần ghi lý do."]
    services.review_return(user=board_officer, review=review, reason="Sai điểm")
    review.refresh_from_db()
    assert (review.state, review.return_reason) == ("returned", "Sai điểm")
    services.review_submit(user=secretary, organization=tree.commune, year=YEAR)
    review.refresh_from_db()
    services.review_approve(user=board_officer, review=review)
    services.review_reopen(user=board_officer, review=review, reason="Bổ sung")
    states = list(review.transitions.values_list("from_state", "to_state", "reason"))
    assert states == [
        ("draft", "submitted", ""),
        ("submitted", "returned", "Sai điểm"),
        ("returned", "submitted", ""),
        ("submitted", "approved", ""),
        ("approved", "returned", "Bổ sung"),
    ]
    assert review.transitions.last().by == board_officer


def test_locked_year_refuses_the_service(tree, secretary, board_officer) -> None:
    _approved(tree, secretary, board_officer)
    with pytest.raises(ValidationError) as exc:
        services.unit_classification_set(
            user=secretary,
            unit=tree.cell1,
            year=YEAR,
            level=level("organization", YEAR, "excellent"),
        )
    assert exc.value.messages == [
        "Năm 2024 của Đảng bộ xã Thanh Phong đã được duyệt và khóa; không thể sửa."
    ]


def test_locked_year_refuses_the_htmx_row_save_and_the_plain_form(
    client, tree, secretary, board_officer
) -> None:
    _approved(tree, secretary, board_officer)
    client.force_login(secretary)
    excellent = level("organization", YEAR, "excellent")
    key = f"unit-{tree.cell1.pk}"
    url = reverse("assessments:review_save_row", args=[tree.commune.pk, YEAR])
    response = client.post(
        url, {"row": key, f"{key}-level": excellent.pk}, HTTP_HX_REQUEST="true"
    )
    assert "đã được duyệt và khóa" in response.content.decode()
    page = reverse("assessments:review_entry", args=[tree.commune.pk, YEAR])
    response = client.post(page, {f"{key}-level": excellent.pk}, follow=True)
    assert "đã được duyệt và khóa" in response.content.decode()
    assert UnitClassification.objects.get(unit=tree.cell1).level.code == "good"
    # And the page offers no controls.
    body = client.get(page).content.decode()
    assert 'name="unit-' not in body
    assert "Năm đánh giá đã được duyệt và khóa" in body


def _xlsx(rows):  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã chi bộ", "Số thẻ đảng viên", "Năm", "Mức", "Điểm", "Nhận xét"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "xeploai.xlsx"
    return buf


def _send(client, url: str, rows: list) -> str:  # type: ignore[no-untyped-def]
    """Upload from the organization's page: the imports pages check it."""
    response = client.post(url, {"file": _xlsx(rows)})
    assert response.status_code == 302, response.content.decode()
    return response.url


def _confirm(client, review: str) -> str:  # type: ignore[no-untyped-def]
    from members.import_jobs import import_job_run
    from members.models import ImportJob

    token = review.rstrip("/").split("/")[-1]
    response = client.post(reverse("imports:confirm", args=[token]))
    import_job_run.call(ImportJob.objects.latest("pk").pk)  # the worker
    return client.get(response.url).content.decode()


def test_import_dry_run_writes_nothing_and_reports_rows(
    client, tree, secretary, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    person = make_member(tree.cell1)
    card = person.memberships.get().card_number
    client.force_login(secretary)
    url = reverse("assessments:classification_import", args=[tree.commune.pk, YEAR])
    rows = [
        ["TC-TP-1", None, 2024, "HTTNV", None, "Tốt"],
        ["TC-TP-2", None, 2024, "Hoàn thành tốt nhiệm vụ", None, ""],
        [None, card, 2024, "good", None, ""],
        ["TC-TP", None, 2024, "HTTNV", None, ""],
    ]
    review = client.get(_send(client, url, rows)).content.decode()
    assert "Xác nhận nhập 4 dòng" in review
    # Where a corrected file goes: back to this organization's page.
    assert f'href="{url}"' in review
    assert UnitClassification.objects.count() == 0
    bad = [
        *rows[:2],
        ["TC-TP-9", None, 2024, "HTTNV", None, ""],
        [None, card, 2024, "xịn", None, ""],
        ["TC-TP", None, 2023, "HTTNV", None, ""],
    ]
    review = client.get(_send(client, url, bad)).content.decode()
    assert "Không có chi bộ mã “tc-tp-9” trong Đảng bộ xã Thanh Phong năm 2024." in (
        review
    )
    assert "Mức “xịn” không có trong thang của năm 2024." in review
    assert "Một tệp cho một năm: các dòng trước là năm 2024." in review
    assert "Xác nhận nhập" not in review
    assert UnitClassification.objects.count() == 0  # all or nothing
    done = _confirm(client, _send(client, url, rows))
    assert "Đã nhập 4 dòng: 4 thêm mới" in done
    assert UnitClassification.objects.filter(year=YEAR).count() == 3
    assert MemberClassification.objects.get(person=person).level.code == "good"
    # Import rows are in the audit trail with the page they came from.
    event = UnitClassificationHistory.objects.select_related("pgh_context").get(
        unit_id=tree.cell1.pk
    )
    assert event.pgh_context.metadata["url"].startswith("/dang-vien/nhap/")
    assert event.pgh_context.metadata["user"] == secretary.pk


def test_locked_year_refuses_the_import(client, tree, secretary, board_officer) -> None:
    _approved(tree, secretary, board_officer)
    client.force_login(secretary)
    url = reverse("assessments:classification_import", args=[tree.commune.pk, YEAR])
    response = client.post(
        url,
        {"file": _xlsx([["TC-TP-1", None, 2024, "HTXSNV", None, ""]]), "commit": "1"},
        follow=True,
    )
    # Refused before reading the file, and the page offers no upload.
    body = response.content.decode()
    assert "duyệt và khóa: không nhập được" in body
    assert 'type="file"' not in body
    assert UnitClassification.objects.get(unit=tree.cell1).level.code == "good"


def test_locked_year_refuses_the_admin(
    client, tree, secretary, board_officer, admin_user
) -> None:
    _approved(tree, secretary, board_officer)
    client.force_login(admin_user)
    obj = UnitClassification.objects.get(unit=tree.cell1)
    change = reverse("admin:assessments_unitclassification_change", args=[obj.pk])
    response = client.post(
        change,
        {
            "unit": tree.cell1.pk,
            "year": YEAR,
            "level": level("organization", YEAR, "excellent").pk,
            "remarks": "",
            "conditions": "{}",
        },
    )
    assert response.status_code == 403
    delete = reverse("admin:assessments_unitclassification_delete", args=[obj.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    # A member found after approval cannot be added to the locked year either.
    late = make_member(tree.cell1)
    add = reverse("admin:assessments_memberclassification_add")
    with pytest.raises(ValidationError):
        client.post(
            add,
            {
                "person": late.pk,
                "cell": tree.cell1.pk,
                "year": YEAR,
                "level": level("member", YEAR, "good").pk,
                "remarks": "",
                "conditions": "{}",
            },
        )
    assert not MemberClassification.objects.exists()
    assert UnitClassification.objects.get(unit=tree.cell1).level.code == "good"


def test_admin_edit_of_an_open_year_is_audited(client, tree, admin_user) -> None:
    classify_all_good(tree, YEAR)
    client.force_login(admin_user)
    obj = UnitClassification.objects.get(unit=tree.cell1)
    change = reverse("admin:assessments_unitclassification_change", args=[obj.pk])
    response = client.post(
        change,
        {
            "unit": tree.cell1.pk,
            "year": YEAR,
            "level": level("organization", YEAR, "excellent").pk,
            "remarks": "Sửa qua admin",
            "conditions": "{}",
        },
    )
    assert response.status_code == 302
    event = (
        UnitClassificationHistory.objects.filter(pgh_obj_id=obj.pk, pgh_label="update")
        .select_related("pgh_context")
        .last()
    )
    assert event.remarks == "Sửa qua admin"
    assert event.pgh_context.metadata == {"user": admin_user.pk, "url": change}


def test_htmx_row_save_answers_the_row_and_the_rule_checks(
    client, tree, secretary
) -> None:
    client.force_login(secretary)
    good = level("organization", YEAR, "good")
    key = f"unit-{tree.cell1.pk}"
    url = reverse("assessments:review_save_row", args=[tree.commune.pk, YEAR])
    response = client.post(
        url,
        {"row": key, f"{key}-level": good.pk, f"{key}-remarks": "Ổn"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert f'id="row-{key}"' in body
    assert "Đã lưu" in body
    assert (
        'id="rule-checks" class="card rule-checks" aria-live="polite" hx-swap-oob="true"'
        in body
    )
    assert "Còn 2 chưa xếp loại." in body
    saved = UnitClassification.objects.get(unit=tree.cell1)
    assert (saved.level, saved.remarks, saved.updated_by) == (good, "Ổn", secretary)
    event = UnitClassificationHistory.objects.select_related("pgh_context").get(
        pgh_obj_id=saved.pk
    )
    assert event.pgh_context.metadata["url"] == url


def test_plain_form_post_saves_every_changed_row(client, tree, secretary) -> None:
    person = make_member(tree.cell1)
    client.force_login(secretary)
    good = level("organization", YEAR, "good")
    mgood = level("member", YEAR, "good")
    url = reverse("assessments:review_entry", args=[tree.commune.pk, YEAR])
    response = client.post(
        url,
        {
            f"unit-{tree.cell1.pk}-level": good.pk,
            f"unit-{tree.cell2.pk}-level": good.pk,
            f"unit-{tree.commune.pk}-level": good.pk,
            f"person-{person.pk}-level": mgood.pk,
        },
    )
    assert response.status_code == 302
    assert UnitClassification.objects.filter(year=YEAR).count() == 3
    assert MemberClassification.objects.get(person=person).level == mgood
    event = MemberClassificationHistory.objects.select_related("pgh_context").get()
    assert event.pgh_context.metadata == {"user": secretary.pk, "url": url}


def test_views_who_may_move_the_workflow(
    client, tree, secretary, board_officer, reader, outsider
) -> None:
    classify_all_good(tree, YEAR, secretary)
    args = [tree.commune.pk, YEAR]
    client.force_login(reader)
    assert (
        client.post(reverse("assessments:review_submit", args=args)).status_code == 403
    )
    client.force_login(outsider)
    assert (
        client.post(reverse("assessments:review_submit", args=args)).status_code == 404
    )
    client.force_login(secretary)
    client.post(reverse("assessments:review_submit", args=args))
    assert OrganizationReview.objects.get().state == "submitted"
    for name in ("review_approve", "review_return", "review_reopen"):
        assert (
            client.post(
                reverse(f"assessments:{name}", args=args), {"reason": "x"}
            ).status_code
            == 403
        )
        client.force_login(reader)
        assert (
            client.post(
                reverse(f"assessments:{name}", args=args), {"reason": "x"}
            ).status_code
            == 403
        )
        client.force_login(outsider)
        assert (
            client.post(
                reverse(f"assessments:{name}", args=args), {"reason": "x"}
            ).status_code
            == 404
        )
        client.force_login(secretary)
    client.force_login(board_officer)
    client.post(
        reverse("assessments:review_return", args=args), {"reason": "Thiếu nhận xét"}
    )
    client.force_login(secretary)
    body = client.get(reverse("assessments:review_entry", args=args)).content.decode()
    assert "Thiếu nhận xét" in body
    client.post(reverse("assessments:review_submit", args=args))
    client.force_login(board_officer)
    client.post(reverse("assessments:review_approve", args=args))
    assert OrganizationReview.objects.get().state == "approved"


def test_completion_board_counts_each_state(
    client, tree, secretary, board_officer
) -> None:
    extra = [
        make_unit(
            tree.district,
            code=f"TC-X{i}",
            name=f"Đảng bộ xã X{i}",
            level="grassroots_committee",
            kind="commune",
        )
        for i in range(4)
    ]
    campaign = ReviewCampaign.objects.create(
        unit=tree.district,
        year=YEAR,
        entry_deadline=datetime.date(2025, 1, 15),
        decision_deadline=datetime.date(2025, 2, 15),
    )
    OrganizationReview.objects.create(organization=extra[0], year=YEAR, state="draft")
    OrganizationReview.objects.create(
        organization=extra[1], year=YEAR, state="submitted"
    )
    OrganizationReview.objects.create(
        organization=extra[2], year=YEAR, state="returned", return_reason="x"
    )
    _approved(tree, secretary, board_officer)
    board = progress(
        roots=[campaign.unit],
        year=YEAR,
        deadline=campaign.entry_deadline,
        user=board_officer,
        today=datetime.date(2025, 1, 10),
    )
    assert board.counts == {
        "not_started": 1,
        "draft": 1,
        "submitted": 1,
        "returned": 1,
        "approved": 1,
        "overdue": 0,
    }
    late = progress(
        roots=[campaign.unit],
        year=YEAR,
        deadline=campaign.entry_deadline,
        user=board_officer,
        today=datetime.date(2025, 1, 16),
    )
    assert late.counts == {
        "not_started": 0,
        "draft": 0,
        "submitted": 1,
        "returned": 0,
        "approved": 1,
        "overdue": 3,
    }
    client.force_login(board_officer)
    url = reverse("assessments:bulk_approve", args=[campaign.pk])
    submitted = OrganizationReview.objects.get(organization=extra[1])
    draft = OrganizationReview.objects.get(organization=extra[0])
    client.post(url, {"review": [submitted.pk, draft.pk]})
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert (submitted.state, draft.state) == ("approved", "draft")


def test_entry_page_and_board_query_counts_do_not_grow(
    client, tree, secretary, board_officer, django_assert_max_num_queries
) -> None:
    for i in range(30):
        make_member(tree.cell1 if i % 2 else tree.cell2)
    classify_all_good(tree, YEAR, secretary)
    campaign = ReviewCampaign.objects.create(
        unit=tree.district,
        year=YEAR,
        entry_deadline=datetime.date(2025, 1, 15),
        decision_deadline=datetime.date(2025, 2, 15),
    )
    client.force_login(secretary)
    # Constant in the number of members and cells (30 members here); the
    # checklists and the flagged votes of confidence are one query each.
    with django_assert_max_num_queries(27):
        response = client.get(
            reverse("assessments:review_entry", args=[tree.commune.pk, YEAR])
        )
    assert response.status_code == 200
    client.force_login(board_officer)
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("assessments:completion_board", args=[campaign.pk])
        )
    assert "Đảng bộ xã Thanh Phong" in response.content.decode()


def test_an_officer_opens_a_campaign_over_their_subtree(
    client, tree, board_officer, secretary
) -> None:
    url = reverse("assessments:campaign_open")
    data = {
        "unit": tree.district.pk,
        "year": 2025,
        "entry_deadline": "2026-01-15",
        "decision_deadline": "2026-02-15",
    }
    client.force_login(secretary)
    assert client.post(url, data).status_code == 403
    client.force_login(board_officer)
    response = client.post(url, {**data, "unit": tree.other_district.pk})
    assert response.status_code == 200  # not a choice for this officer
    assert not ReviewCampaign.objects.exists()
    response = client.post(url, data)
    campaign = ReviewCampaign.objects.get()
    assert response.url == reverse("assessments:completion_board", args=[campaign.pk])
    assert (campaign.unit, campaign.opened_by) == (tree.district, board_officer)


def test_a_member_transferred_out_is_classified_by_the_new_organization(
    tree, secretary
) -> None:
    from assessments.selectors import review_sheet
    from members.models import CellPeriod

    person = make_member(tree.cell1, "Vũ Văn Chuyển", until=datetime.date(2024, 4, 1))
    CellPeriod.objects.create(
        membership=person.memberships.get(),
        cell=tree.other_cell,
        valid_from=datetime.date(2024, 4, 1),
    )
    row = review_sheet(tree.commune, YEAR).row(f"person-{person.pk}")
    assert (row.moved_out, row.note) == (True, "Chuyển đi 01/04/2024")
    assert "Vũ Văn Chuyển" not in review_sheet(tree.commune, YEAR).missing()
    services.member_classification_set(
        user=None,
        person=person,
        cell=tree.other_cell,
        year=YEAR,
        level=level("member", YEAR, "good"),
    )
    with pytest.raises(ValidationError) as exc:
        services.member_classification_set(
            user=secretary,
            person=person,
            cell=tree.cell1,
            year=YEAR,
            level=level("member", YEAR, "excellent"),
        )
    assert exc.value.messages == [
        "Vũ Văn Chuyển đã được Đảng bộ xã Hương Sơn xếp loại năm 2024 "
        "(nơi sinh hoạt mới)."
    ]
