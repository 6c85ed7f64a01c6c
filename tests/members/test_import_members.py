"""The spreadsheet round trip as a grassroots secretary does it (issue #3 §3)."""

from __future__ import annotations

import datetime
import re
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members.import_jobs import ProgressWriter, import_job_run, percent
from members.models import (
    CellPeriod,
    ImportJob,
    ImportJobStatus,
    MemberEvent,
    MemberEventKind,
    Membership,
    MembershipStatus,
    Person,
)
from members.spreadsheet_templates import SPECS
from partyquality import importing
from tests.members.import_files import member_row, read_sheet, xlsx


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _upload(
    client, content: bytes, kind: str = "members", name: str = "dang-vien.xlsx"
):
    response = client.post(
        reverse("imports:upload"),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url, client.get(response.url)


def _token(url: str) -> str:
    return re.search(r"/([0-9a-f]{32})/", url).group(1)


def test_the_template_has_vietnamese_headers_an_example_and_hidden_lists(
    client, secretary
) -> None:
    client.force_login(secretary)
    response = client.get(reverse("imports:template") + "?loai=members")
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Họ và tên", "Giới tính", "Ngày sinh"]
    assert "Mã chi bộ" in header
    assert "Số thẻ đảng viên" in header
    assert sheet["A2"].value == "Nguyễn Văn An"
    lists = workbook["Danh mục"]
    assert lists.sheet_state == "hidden"
    assert "Kinh" in [c.value for c in lists["B"]]
    ranges = {
        str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation
    }
    assert ranges["B2:B10001"] == "'Danh mục'!$A$2:$A$3"


def _confirm(client, url: str):  # type: ignore[no-untyped-def]
    """Confirm the reviewed upload, run the queued job as the worker does
    (``manage.py db_worker``), and return the job's page."""
    response = client.post(reverse("imports:confirm", args=[_token(url)]))
    job = ImportJob.objects.order_by("pk").last()
    assert response.url == reverse("imports:job", args=[job.pk])
    import_job_run.call(job.pk)
    return client.get(response.url)


def test_the_unmodified_template_is_an_empty_file(client, secretary) -> None:
    client.force_login(secretary)
    template = client.get(reverse("imports:template") + "?loai=qualifications").content
    _url, page = _upload(client, template, kind="qualifications")
    assert "Tệp không có dòng dữ liệu nào." in page.content.decode()


def test_fifty_members_with_two_mistakes_then_fixed_then_reimported(
    client, secretary, tree
) -> None:
    client.force_login(secretary)
    rows = [member_row(n, cell="TC-TP-1" if n % 2 else "TC-TP-2") for n in range(1, 51)]
    rows[4][2] = "31/02/1980"  # row 6: no such date
    rows[19][10] = "TC-TP-9"  # row 21: unknown cell
    url, page = _upload(client, xlsx(rows))
    body = page.content.decode()
    assert (
        "Dòng 6, cột “Ngày sinh”: Cần một ngày dạng ngày/tháng/năm, ví dụ 17/05/1980."
        in body
    )
    assert (
        "Dòng 21, cột “Mã chi bộ”: Không có chi bộ đang hoạt động với mã “TC-TP-9”."
        in body
    )
    assert "Chưa có gì được ghi" in body
    # Confirming anyway writes nothing.
    refused = _confirm(client, url).content.decode()
    assert "Không dòng nào được ghi" in refused
    assert Person.objects.count() == 0
    assert Membership.objects.count() == 0
    # The rows in error come back as a workbook with the reason.
    errors = read_sheet(
        client.get(reverse("imports:errors", args=[_token(url)])).getvalue()
    )
    assert errors[0][-1] == "Lỗi"
    assert [r[0] for r in errors[1:]] == ["Nguyễn Văn Thử 5", "Nguyễn Văn Thử 20"]
    assert errors[1][-1].startswith("Dòng 6 — Ngày sinh:")

    rows[4][2] = "28/02/1980"
    rows[19][10] = "TC-TP-1"
    url, page = _upload(client, xlsx(rows))
    assert "Xác nhận nhập 50 dòng" in page.content.decode()
    done = _confirm(client, url)
    assert (
        "Đã nhập 50 dòng: 50 thêm mới, 0 cập nhật, 0 không đổi."
        in done.content.decode()
    )

    assert Membership.objects.count() == 50
    member = Membership.objects.select_related("person").get(card_number="40.000005")
    assert member.person.date_of_birth == datetime.date(1980, 2, 28)
    assert member.status == MembershipStatus.FULL
    assert member.current_cell == tree.cell1  # row 5 is odd: Chi bộ thôn 1
    period = CellPeriod.objects.get(membership=member)
    assert (period.cell, period.valid_from, period.valid_to) == (
        member.current_cell,
        member.admitted_on,
        None,
    )
    kinds = set(
        MemberEvent.objects.filter(membership=member).values_list("kind", flat=True)
    )
    assert kinds == {MemberEventKind.ADMISSION, MemberEventKind.FULL_MEMBER}
    assert Person.objects.get(national_id="040000000010").ethnicity == "03"
    assert Person.objects.filter(search_name__contains="nguyen van thu").count() == 50

    _url, page = _upload(client, xlsx(rows))
    assert "Không đổi" in page.content.decode()
    result = importing.import_file(
        "members", BytesIO(xlsx(rows)), commit=True, user=secretary
    )
    assert result.counts == {"new": 0, "updated": 0, "unchanged": 50, "error": 0}
    assert Membership.objects.count() == 50
    assert CellPeriod.objects.count() == 50
    assert MemberEvent.objects.count() == 100


def test_a_confirmed_import_is_in_the_audit_trail_with_who_and_where(
    client, secretary, tree
) -> None:
    from assessments.audit_models import (
        CellPeriodHistory,
        MemberEventHistory,
        MembershipHistory,
        PersonHistory,
    )

    client.force_login(secretary)
    url, _page = _upload(client, xlsx([member_row(n) for n in range(1, 4)]))
    confirm = reverse("imports:confirm", args=[_token(url)])
    _confirm(client, url)
    assert Membership.objects.count() == 3
    for history, tracked in (
        (PersonHistory, Person),
        (MembershipHistory, Membership),
        (CellPeriodHistory, CellPeriod),
        (MemberEventHistory, MemberEvent),
    ):
        events = history.objects.select_related("pgh_context")
        assert sorted(e.pgh_obj_id for e in events) == sorted(
            tracked.objects.values_list("pk", flat=True)
        )
        assert {e.pgh_label for e in events} == {"insert"}
        assert {
            (e.pgh_context.metadata["user"], e.pgh_context.metadata["url"])
            for e in events
        } == {(secretary.pk, confirm)}
    # ... and the person's page names the secretary as the author, although
    # the worker, not the secretary's request, wrote the rows (issue #18 §6).
    person = Person.objects.order_by("pk").first()
    page = client.get(reverse("members:person_detail", args=[person.pk]))
    history = page.content.decode().split('class="history"', 1)[1]
    author = secretary.get_full_name() or secretary.username
    assert f"<strong>{author}</strong>" in history
    assert "<strong>—</strong>" not in history


def test_a_changed_row_is_updated_and_a_new_full_member_date_records_the_event(
    secretary, tree
) -> None:
    rows = [member_row(1, full_member_on=None), member_row(2)]
    importing.import_file("members", BytesIO(xlsx(rows)), commit=True, user=secretary)
    assert (
        Membership.objects.get(card_number="40.000001").status
        == MembershipStatus.PROBATIONARY
    )
    rows = [
        member_row(1, full_member_on=datetime.date(2011, 5, 5), religion="Phật giáo"),
        member_row(2),
    ]
    result = importing.import_file(
        "members", BytesIO(xlsx(rows)), commit=True, user=secretary
    )
    assert [r.outcome for r in result.rows] == ["updated", "unchanged"]
    member = Membership.objects.select_related("person").get(card_number="40.000001")
    assert member.status == MembershipStatus.FULL
    assert member.person.religion == "Phật giáo"
    assert member.events.filter(
        kind=MemberEventKind.FULL_MEMBER, date=datetime.date(2011, 5, 5)
    ).exists()


def test_a_member_matched_by_national_id_gets_a_card_number(secretary, tree) -> None:
    importing.import_file(
        "members",
        BytesIO(xlsx([member_row(1, card_number=None)])),
        commit=True,
        user=secretary,
    )
    result = importing.import_file(
        "members", BytesIO(xlsx([member_row(1)])), commit=True, user=secretary
    )
    assert result.rows[0].outcome == "updated"
    assert Membership.objects.get().card_number == "40.000001"
    assert Person.objects.count() == 1


def test_rows_outside_the_writable_subtree_are_refused_one_by_one(
    secretary, tree
) -> None:
    rows = [member_row(1), member_row(2, cell="TK-HS-1"), member_row(3, cell="TC-TP")]
    result = importing.import_file(
        "members", BytesIO(xlsx(rows)), commit=True, user=secretary
    )
    assert not result.written
    assert [r.outcome for r in result.rows] == ["new", "error", "error"]
    assert result.rows[1].errors == [
        ("Mã chi bộ", "Đơn vị “TK-HS-1” nằm ngoài phạm vi bạn được cập nhật.")
    ]
    assert result.rows[2].errors == [
        ("Mã chi bộ", "Mã “TC-TP” là của Đảng bộ xã Thanh Phong, không phải chi bộ.")
    ]
    assert Membership.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("17/05/1980", datetime.date(1980, 5, 17)),
        ("1980-05-17", datetime.date(1980, 5, 17)),
        ("7-5-1980", datetime.date(1980, 5, 7)),
        ("7.5.1980", datetime.date(1980, 5, 7)),
        (datetime.datetime(1980, 5, 17, tzinfo=None), datetime.date(1980, 5, 17)),  # noqa: DTZ001
        (29358, datetime.date(1980, 5, 17)),  # an Excel serial without date format
    ],
)
def test_dates_are_read_in_the_formats_people_type(
    secretary, tree, value, expected
) -> None:
    result = importing.import_file(
        "members",
        BytesIO(xlsx([member_row(1, date_of_birth=value)])),
        commit=True,
        user=secretary,
    )
    assert result.written
    assert Person.objects.get().date_of_birth == expected


def test_future_dates_and_impossible_values_name_row_and_column(
    secretary, tree
) -> None:
    rows = [
        member_row(
            1,
            admitted_on=timezone.localdate() + datetime.timedelta(days=3),
            full_member_on=None,
        ),
        member_row(2, gender="X", national_id="12ab", card_number="TV-01"),
        member_row(3, full_member_on=datetime.date(2009, 1, 1)),
        member_row(4, full_name=""),
    ]
    result = importing.import_file(
        "members", BytesIO(xlsx(rows)), commit=False, user=secretary
    )
    assert result.rows[0].errors == [("Ngày vào Đảng", "Ngày không được sau hôm nay.")]
    assert (
        "Giới tính",
        "Cần một giá trị trong danh mục (ví dụ: Nam, Nữ).",
    ) in result.rows[1].errors
    assert (
        "Số CCCD",
        "Số căn cước phải gồm đúng 12 chữ số.",
    ) in result.rows[1].errors
    assert (
        "Số thẻ đảng viên",
        "Số thẻ đảng viên chỉ gồm chữ số (có thể có dấu chấm), từ 6 đến 20 ký tự.",
    ) in result.rows[1].errors
    assert result.rows[2].errors == [
        ("Ngày chính thức", "Ngày chính thức phải sau ngày vào Đảng.")
    ]
    assert result.rows[3].errors == [("Họ và tên", "Bắt buộc, đang để trống.")]


def test_duplicate_keys_inside_the_file_name_both_rows(secretary, tree) -> None:
    rows = [
        member_row(1),
        member_row(2),
        member_row(3, card_number="40.000001", national_id="040000009999"),
    ]
    result = importing.import_file(
        "members", BytesIO(xlsx(rows)), commit=True, user=secretary
    )
    assert not result.written
    assert result.rows[0].errors == [
        ("Số thẻ đảng viên", "Trùng với dòng 4 trong tệp.")
    ]
    assert result.rows[2].errors == [
        ("Số thẻ đảng viên", "Trùng với dòng 2 trong tệp.")
    ]
    assert result.rows[1].outcome == "new"


def test_formulas_in_the_error_workbook_stay_text(client, secretary, tree) -> None:
    client.force_login(secretary)
    rows = [member_row(1, full_name='=HYPERLINK("http://x")', gender="?")]
    url, _page = _upload(client, xlsx(rows))
    content = client.get(reverse("imports:errors", args=[_token(url)])).getvalue()
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")'
    assert sheet["A2"].data_type == "s"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ho ten,gioi tinh\nA,Nam\n", "Tệp không phải bảng tính Excel (.xlsx)."),
        (xlsx([], header=[]), "Tệp không có dòng dữ liệu nào."),
        (xlsx([]), "Tệp không có dòng dữ liệu nào."),
        (
            xlsx([["A"]], header=["Họ và tên", "Giới tính"]),
            "Thiếu cột: Ngày sinh, Dân tộc, Ngày vào Đảng, Mã chi bộ. Hãy dùng tệp mẫu.",
        ),
        (
            xlsx(
                [[*member_row(1), "x"]],
                header=[*SPECS["members"].headers, "Nghề nghiệp"],
            ),
            "Cột không có trong mẫu: Nghề nghiệp. Hãy dùng tệp mẫu.",
        ),
    ],
    ids=["csv", "blank", "header-only", "missing-headers", "unknown-header"],
)
def test_bad_files_get_a_clear_message(
    client, secretary, tree, content, message
) -> None:
    client.force_login(secretary)
    _url, page = _upload(client, content)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert Person.objects.count() == 0


def test_a_file_over_the_limit_is_refused_at_upload(
    client, secretary, settings
) -> None:
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(secretary)
    response = client.post(
        reverse("imports:upload"),
        {
            "kind": "members",
            "file": SimpleUploadedFile("lon.xlsx", b"x" * (1024 * 1024 + 1)),
        },
    )
    assert response.status_code == 200
    assert "Tệp lớn quá giới hạn 1 MB." in response.content.decode()


def test_readers_cannot_upload(client, reader) -> None:
    client.force_login(reader)
    response = client.post(
        reverse("imports:upload"),
        {
            "kind": "members",
            "file": SimpleUploadedFile("a.xlsx", xlsx([member_row(1)])),
        },
    )
    assert response.status_code == 403


def test_an_upload_is_private_to_its_user(client, secretary, outsider, tree) -> None:
    client.force_login(secretary)
    url, _page = _upload(client, xlsx([member_row(1)]))
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("imports:confirm", args=[_token(url)])).status_code == 404
    )
    assert Person.objects.count() == 0


def test_review_pages_read_the_kept_dry_run_and_confirm_checks_again(
    client, secretary, tree, django_assert_num_queries
) -> None:
    client.force_login(secretary)
    born = datetime.date(1960, 1, 1)
    rows = [
        member_row(n, date_of_birth=born + datetime.timedelta(days=10 * n))
        for n in range(1, 251)
    ]
    url, first = _upload(client, xlsx(rows))
    assert "Xác nhận nhập 250 dòng" in first.content.decode()
    # Page 2 of the review and the rows in error come from the kept outcome:
    # session, user and the writer's assignments, no checking of 250 rows.
    with django_assert_num_queries(3):
        second = client.get(url + "?page=2").content.decode()
    assert "Nguyễn Văn Thử 201" in second
    assert "Nguyễn Văn Thử 250" in second
    assert "Nguyễn Văn Thử 200" not in second
    # Meanwhile someone else imports one of these members: confirming checks
    # the file again, against the database as it is now.
    importing.import_file(
        "members", BytesIO(xlsx(rows[:1])), commit=True, user=secretary
    )
    done = _confirm(client, url)
    assert (
        "Đã nhập 250 dòng: 249 thêm mới, 0 cập nhật, 1 không đổi."
        in done.content.decode()
    )
    assert Membership.objects.count() == 250


def test_confirming_queues_the_writing_and_its_page_follows_it(
    client, secretary, tree, django_capture_on_commit_callbacks
) -> None:
    client.force_login(secretary)
    url, page = _upload(client, xlsx([member_row(1), member_row(2)]))
    confirm = reverse("imports:confirm", args=[_token(url)])
    assert f'hx-post="{confirm}"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(confirm, headers={"HX-Request": "true"})
    job = ImportJob.objects.get()
    assert len(callbacks) == 1  # queued for the worker once committed
    assert response["HX-Redirect"] == reverse("imports:job", args=[job.pk])
    assert (job.status, job.user, job.file_name) == (
        ImportJobStatus.QUEUED,
        secretary,
        "dang-vien.xlsx",
    )
    assert Membership.objects.count() == 0
    waiting = client.get(response["HX-Redirect"], headers={"HX-Request": "true"})
    body = waiting.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "Đang chờ" in body
    assert "2 dòng" in body
    assert '<progress max="100" value="0">' in body

    import_job_run.call(job.pk)  # what the db_worker runs
    job.refresh_from_db()
    assert (job.status, job.progress) == (ImportJobStatus.DONE, 100)
    assert job.counts == {"new": 2, "updated": 0, "unchanged": 0, "total": 2}
    done = client.get(response["HX-Redirect"], headers={"HX-Request": "true"})
    body = done.content.decode()
    assert "every 1s" not in body
    assert "Đã nhập 2 dòng: 2 thêm mới, 0 cập nhật, 0 không đổi." in body
    assert Membership.objects.count() == 2
    # Run twice (a worker retrying), it leaves the finished job as it was.
    finished_at = job.finished_at
    import_job_run.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.finished_at) == (ImportJobStatus.DONE, finished_at)
    assert Membership.objects.count() == 2


def test_confirming_twice_follows_the_same_job(client, secretary, tree) -> None:
    """The Back button or a second click: one job, one writing."""
    client.force_login(secretary)
    url, _page = _upload(client, xlsx([member_row(1)]))
    confirm = reverse("imports:confirm", args=[_token(url)])
    first = client.post(confirm)
    second = client.post(confirm)
    job = ImportJob.objects.get()
    assert first.url == second.url == reverse("imports:job", args=[job.pk])
    assert job.rows == 1


def test_a_job_whose_worker_stopped_fails_and_the_file_can_be_confirmed_again(
    client, secretary, tree
) -> None:
    """A worker killed half-way leaves its job "running" (its writing was
    rolled back): after an hour the page says it failed, and confirming the
    same upload starts a new job instead of following the dead one."""
    client.force_login(secretary)
    url, _page = _upload(client, xlsx([member_row(1)]))
    confirm = reverse("imports:confirm", args=[_token(url)])
    client.post(confirm)
    dead = ImportJob.objects.get()
    ImportJob.objects.filter(pk=dead.pk).update(status=ImportJobStatus.RUNNING)
    page = client.get(reverse("imports:job", args=[dead.pk])).content.decode()
    assert "every 1s" in page  # within the hour: still waited for
    ImportJob.objects.filter(pk=dead.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    page = client.get(reverse("imports:job", args=[dead.pk])).content.decode()
    assert "every 1s" not in page
    assert "Không ghi được tệp; không dòng nào được ghi." in page
    again = client.post(confirm)
    job = ImportJob.objects.exclude(pk=dead.pk).get()
    assert again.url == reverse("imports:job", args=[job.pk])
    assert job.status == ImportJobStatus.QUEUED


def test_the_worker_writes_the_messages_in_the_confirming_users_language(
    client, secretary, tree
) -> None:
    client.force_login(secretary)
    client.post(reverse("set_language"), {"language": "en"})
    url, _page = _upload(client, xlsx([member_row(1)]))
    tree.cell1.closed_on = datetime.date(2020, 1, 1)
    tree.cell1.save()
    page = _confirm(client, url).content.decode()
    assert "No row was written" in page
    review = client.get(url).content.decode()
    assert "There is no open Party cell with code “TC-TP-1”." in review
    assert "Không có chi bộ đang hoạt động" not in review


def test_a_file_that_became_unreadable_is_reported_on_its_review(
    client, secretary, tree, settings
) -> None:
    client.force_login(secretary)
    url, _page = _upload(client, xlsx([member_row(1)]))
    # Between the review and the writing the stored file is damaged.
    stored = Path(settings.MEDIA_ROOT).rglob(f"{_token(url)}.xlsx")
    next(stored).write_bytes(b"not a spreadsheet")
    page = _confirm(client, url).content.decode()
    assert "Không ghi: tệp có lỗi" in page
    review = client.get(url).content.decode()
    assert "Tệp không phải bảng tính Excel (.xlsx)." in review
    assert "Xác nhận nhập" not in review  # no confirm button on a stale check
    assert Person.objects.count() == 0


def test_a_job_whose_rows_fail_by_now_writes_nothing_and_shows_them(
    client, secretary, tree
) -> None:
    client.force_login(secretary)
    rows = [member_row(1), member_row(2)]
    url, _page = _upload(client, xlsx(rows))
    # Before the worker gets to it, the rows' cell is closed.
    tree.cell1.closed_on = datetime.date(2020, 1, 1)
    tree.cell1.save()
    page = _confirm(client, url).content.decode()
    assert "Không ghi: tệp có lỗi" in page
    assert f'href="{url}"' in page
    assert Membership.objects.count() == 0
    review = client.get(url).content.decode()
    assert "Không có chi bộ đang hoạt động với mã “TC-TP-1”." in review


# serialized_rollback: the flush after a transactional test would otherwise
# drop (and re-create under new ids) the reference data the migrations loaded.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_progress_of_a_job_is_visible_while_it_writes(secretary) -> None:
    """Written through its own connection: the import's transaction does
    not hide it from the page that polls."""
    job = ImportJob.objects.create(
        user=secretary, token="1" * 32, kind="members", file_name="a.xlsx", url="/"
    )
    progress = ProgressWriter(job.pk)
    with transaction.atomic():
        progress("write", 50, 100)
        outside = connections.create_connection("default")
        try:
            with outside.cursor() as cursor:
                cursor.execute(
                    "SELECT stage, progress FROM members_importjob WHERE id = %s",
                    [job.pk],
                )
                assert cursor.fetchone() == ("write", 25 + 75 // 2)
        finally:
            outside.close()
    progress.close()
    assert [percent("read", 0, 0), percent("check", 10, 10)] == [0, 25]
    assert percent("write", 100, 100) == 99  # 100 once committed
