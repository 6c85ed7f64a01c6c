"""Demo data for `make run` (placeholder until the full demo province lands)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction

from organizations.models import Assignment, Kind, Level, Role, Unit

DEMO_PASSWORD = "demo12345"  # noqa: S105 - printed for the newcomer on purpose
DEMO_USERS = [
    ("quantri", Role.ADMIN, "NA"),
    ("bantochuc", Role.OFFICER, "NA"),
]


class Command(BaseCommand):
    help = "Builds the demo province and one user per role, idempotently."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--if-empty", action="store_true")
        parser.add_argument("--print-logins", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        if options["print_logins"]:
            self.print_logins()
            return
        if options["if_empty"] and Unit.objects.exists():
            return
        with transaction.atomic():
            Unit.objects.get_or_create(
                code="NA",
                defaults={
                    "name": "Đảng bộ tỉnh Nghệ An",
                    "level": Level.PROVINCE,
                    "kind": Kind.PROVINCE,
                    "opened_on": datetime.date(1930, 1, 1),
                },
            )
            for username, role, code in DEMO_USERS:
                user, created = User.objects.get_or_create(username=username)
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.is_staff = role == Role.ADMIN
                    user.save()
                Assignment.objects.get_or_create(
                    user=user,
                    unit=Unit.objects.get(code=code, closed_on__isnull=True),
                    role=role,
                    defaults={"valid_from": datetime.date(2020, 1, 1)},
                )

    def print_logins(self) -> None:
        self.stdout.write(f"Đăng nhập thử (mật khẩu: {DEMO_PASSWORD}):")
        for username, role, code in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {Role(role).label} — {code}")
