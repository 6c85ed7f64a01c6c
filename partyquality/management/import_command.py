"""What the import commands share: the same import as the upload pages
(``partyquality/importing.py``), every row checked first, then all or
nothing. Progress goes to stderr; row errors are printed and the command
exits non-zero when the file cannot be imported."""

from __future__ import annotations

import time
from typing import Any

import pghistory
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from partyquality import importing


class ImportCommand(BaseCommand):
    """Subclasses name the kinds they import and find a unit by its code."""

    kinds: tuple[str, ...] = ()

    def add_arguments(self, parser: CommandParser) -> None:
        if len(self.kinds) > 1:
            parser.add_argument("kind", choices=sorted(self.kinds))
        parser.add_argument("file")
        parser.add_argument(
            "--unit", help="Chỉ nhận các dòng thuộc đơn vị có mã này và cấp dưới."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi."
        )
        parser.add_argument("--user", help="Nhập với phạm vi quyền của người dùng này.")

    def unit_by_code(self, code: str) -> Any | None:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options.get("kind") or self.kinds[0]
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
            within = self.unit_by_code(options["unit"])
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
        audit: dict[str, Any] = {"command": self.command_name()}
        if user is not None:
            audit["user"] = user.pk
        try:
            with pghistory.context(**audit):
                result = importing.import_file(
                    kind,
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

    def command_name(self) -> str:
        return self.__class__.__module__.rsplit(".", 1)[-1]
