"""Demo tree and users (placeholder: the full demo province is being built)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User

from organizations.models import Assignment, Kind, Level, Role, Unit

DEMO_PASSWORD = "demo12345"  # noqa: S105 - printed for the newcomer on purpose
# (username, role, unit code, description)
DEMO_USERS = [
    ("quantri", Role.ADMIN, "NA", "toàn tỉnh"),
    ("bantochuc", Role.OFFICER, "NA", "toàn tỉnh"),
]


def seed() -> None:
    Unit.objects.get_or_create(
        code="NA",
        defaults={
            "name": "Đảng bộ tỉnh Nghệ An",
            "level": Level.PROVINCE,
            "kind": Kind.PROVINCE,
            "opened_on": datetime.date(1930, 1, 1),
        },
    )
    for username, role, code, _desc in DEMO_USERS:
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
