"""``manage.py import_people <kind> <file> [--unit CODE] [--dry-run] [--user NAME]``.

The same import as the upload page: every row checked first, then all or
nothing. Progress goes to stderr; row errors are printed and the command
exits non-zero when the file cannot be imported.
"""

from __future__ import annotations

import time
from typing import Any

import pghistory
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.spreadsheet_templates import SPECS
from organizations.models import Unit
from partyquality import importing


class Command(BaseCommand):
    help = "Nhập đảng viên, trình độ hoặc chức vụ từ tệp .xlsx (kiểm tra rồi ghi tất cả hoặc không ghi gì)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(SPECS))
        parser.add_argument("file")
        parser.add_argument(
            "--unit", help="Chỉ nhận các dòng thuộc đơn vị có mã này và cấp dưới."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi."
        )
        parser.add_argument("--user", help="Nhập với phạm vi quyền của người dùng này.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(
                    f"Không có người dùng “{options['user']}”."
                ) from None
        within = None
        if options["unit"]:
            within = Unit.objects.filter(
                code=options["unit"], closed_on__isnull=True
            ).first()
            if within is None:
                raise CommandError(
                    f"Không có đơn vị đang hoạt động với mã “{options['unit']}”."
                )
        started = time.perf_counter()

        def progress(stage: str, done: int, total: int) -> None:
            elapsed = time.perf_counter() - started
            of = f"/{total}" if total else ""
            self.stderr.write(
                f"\r[{elapsed:6.1f}s] {stage}: {done}{of} dòng   ", ending=""
            )
            self.stderr.flush()

        # The audit trail records who imported, as the upload page's
        # middleware does for a request.
        audit: dict[str, Any] = {"command": "import_people"}
        if user is not None:
            audit["user"] = user.pk
        try:
            with pghistory.context(**audit):
                result = importing.import_file(
                    options["kind"],
                    options["file"],
                    commit=not options["dry_run"],
                    user=user,
                    within=within,
                    progress=progress,
                )
        except importing.ImportFileError as exc:
            self.stderr.write("")
            raise CommandError(exc.message) from None
        except FileNotFoundError:
            raise CommandError(f"Không tìm thấy tệp “{options['file']}”.") from None
        self.stderr.write("")
        counts = result.counts
        for row in result.error_rows:
            for header, message in row.errors:
                self.stderr.write(f"Dòng {row.number}, cột “{header}”: {message}")
        summary = (
            f"{len(result.rows)} dòng: {counts['new']} thêm mới, {counts['updated']} cập nhật, "
            f"{counts['unchanged']} không đổi, {counts['error']} lỗi ({result.seconds:.1f} s)."
        )
        if result.has_errors:
            raise CommandError(f"Không ghi gì. {summary}")
        verb = "Đã ghi" if result.written else "Kiểm tra xong, chưa ghi (--dry-run)"
        self.stdout.write(f"{verb}. {summary}")
