"""``manage.py seed_demo``: the demo province for `make run`, idempotently.

Each app contributes a ``demo`` module with a ``seed()`` function; they run
in order (the tree and users, then people, then reviews, then report data),
each idempotent, all in one transaction.
"""

from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from organizations.demo import DEMO_PASSWORD, DEMO_USERS
from organizations.models import Role, Unit

DEMO_STEPS = [
    "organizations.demo",
    "members.demo",
    "assessments.demo",
    "assessments.reports.demo",
]


class Command(BaseCommand):
    help = "Builds the demo province and one user per role, idempotently."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when units exist"
        )
        parser.add_argument(
            "--print-logins", action="store_true", help="only print the demo logins"
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["print_logins"]:
            self.print_logins()
            return
        if options["if_empty"] and Unit.objects.exists():
            self.stdout.write("Dữ liệu mẫu đã có; bỏ qua.")
            return
        with transaction.atomic():
            for step in DEMO_STEPS:
                try:
                    module = importlib.import_module(step)
                except ModuleNotFoundError as exc:
                    if exc.name != step:
                        raise
                    continue
                self.stdout.write(f"Đang tạo dữ liệu mẫu: {step}…")
                module.seed()
        self.stdout.write(self.style.SUCCESS("Đã tạo dữ liệu mẫu."))

    def print_logins(self) -> None:
        self.stdout.write(f"Đăng nhập thử (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, role, _code, description in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {Role(role).label} — {description}")
