"""``/healthz/``: what a monitor (systemd, compose, the province's Zabbix)
asks to know the site can serve: the database answers and a background worker
is alive (partyquality/worker.py). 200 when both hold, 503 otherwise; the body
names which failed and nothing else (it needs no login)."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from partyquality.worker import live_worker_ids


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        checks["worker"] = "ok" if live_worker_ids() else "no live worker"
    except DatabaseError:
        checks["database"] = "unreachable"
        checks["worker"] = "unknown"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", **checks},
        status=200 if healthy else 503,
    )
