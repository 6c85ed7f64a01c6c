"""``manage.py import_people``: the same import from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from members.models import Membership
from tests.members.import_files import member_row, xlsx


def _file(tmp_path, rows) -> str:
    path = tmp_path / "dang-vien.xlsx"
    path.write_bytes(xlsx(rows))
    return str(path)


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_people", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_writes_nothing_then_the_import_writes_everything(
    tree, tmp_path
) -> None:
    path = _file(tmp_path, [member_row(n) for n in range(1, 6)])
    out, _err = _run("members", path, "--dry-run")
    assert "Kiểm tra xong, chưa ghi (--dry-run). 5 dòng: 5 thêm mới" in out
    assert Membership.objects.count() == 0
    out, _err = _run("members", path)
    assert out.startswith("Đã ghi. 5 dòng: 5 thêm mới, 0 cập nhật, 0 không đổi, 0 lỗi")
    assert Membership.objects.count() == 5
    out, _err = _run("members", path)
    assert "0 thêm mới, 0 cập nhật, 5 không đổi" in out


def test_the_audit_trail_names_the_command_and_the_user(
    tree, secretary, tmp_path
) -> None:
    from assessments.audit_models import MembershipHistory

    _run(
        "members",
        _file(tmp_path, [member_row(1), member_row(2)]),
        "--user",
        secretary.username,
    )
    events = MembershipHistory.objects.select_related("pgh_context")
    assert [e.pgh_context.metadata for e in events] == [
        {"command": "import_people", "user": secretary.pk}
    ] * 2


def test_row_errors_are_printed_and_the_command_fails(tree, tmp_path) -> None:
    path = _file(tmp_path, [member_row(1), member_row(2, gender="?")])
    with pytest.raises(CommandError, match=r"Không ghi gì\. 2 dòng: 1 thêm mới.*1 lỗi"):
        _run("members", path)
    assert Membership.objects.count() == 0


def test_the_unit_option_refuses_rows_of_other_branches(tree, tmp_path, capsys) -> None:
    path = _file(tmp_path, [member_row(1), member_row(2, cell="TK-HS-1")])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_people",
            "members",
            path,
            "--unit",
            "TC",
            stdout=StringIO(),
            stderr=err,
        )
    assert (
        "Dòng 3, cột “Mã chi bộ”: Đơn vị “TK-HS-1” nằm ngoài phạm vi bạn được cập nhật."
        in err.getvalue()
    )


def test_the_user_option_applies_that_users_scope(tree, secretary, tmp_path) -> None:
    path = _file(tmp_path, [member_row(1, cell="TK-HS-1")])
    with pytest.raises(CommandError):
        _run("members", path, "--user", secretary.username)
    assert Membership.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_fails_with_the_reason(tree, tmp_path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_text("không phải excel")
    with pytest.raises(CommandError, match=r"Tệp không phải bảng tính Excel"):
        _run("members", str(path))


def test_progress_goes_to_stderr(tree, tmp_path) -> None:
    _out, err = _run("members", _file(tmp_path, [member_row(1)]))
    assert "read: 1/1 dòng" in err
