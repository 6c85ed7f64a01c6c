"""The audit log: who changed what, filtered, a page at a time, exportable."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments.forms import AuditFilterForm
from members.models import Person
from organizations.access import units_reach
from organizations.models import Unit
from partyquality.audit import audit_changes, record_access, tracked_kinds
from partyquality.http import AuthedRequest
from partyquality.models import AccessAction
from partyquality.xlsx import Sheet, workbook_response

PAGE_SIZE = 50


def _filters(request: AuthedRequest) -> tuple[AuditFilterForm, dict, dict]:
    """The form, the filters for ``audit_changes`` and the unit and person
    filtered on (to name them on the page)."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=30)
    # The last 30 days unless the dates are given: a link may name only a kind.
    form = AuditFilterForm(
        {"start": start, "end": today, **request.GET.dict()}, kinds=tracked_kinds()
    )
    values: dict = {"start": start, "end": today}
    named: dict = {}
    if form.is_valid():
        data = form.cleaned_data
        values = {"start": data["start"], "end": data["end"], "kind": data["kind"]}
        if data["author"]:
            author = User.objects.filter(username=data["author"]).first()
            # An unknown name finds nothing rather than everything.
            values["author_id"] = author.pk if author else -1
        # A unit or person outside the user's subtree finds nothing, as an
        # unknown one does; the names shown are only those the user may see.
        if data["unit"] is not None:
            # Named by anyone who ever reached it (a former parent, for its
            # past); its events are those of the units under it on each
            # event's day, and the scope keeps the days the user reached
            # them (issue #16, docs/access.md).
            unit = Unit.objects.visible_to(request.user).filter(pk=data["unit"]).first()
            values["under"] = units_reach([unit.pk] if unit else [])
            named["unit"] = unit
        if data["person"] is not None:
            person = (
                Person.objects.visible_to(request.user)
                .filter(pk=data["person"])
                .first()
            )
            values["person_id"] = person.pk if person else -1
            named["person"] = person
    return form, values, named


def _page(request: AuthedRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(1, min(int(raw), 10_000)) if raw.isdigit() else 1


def _page_url(query: str, page: int) -> str:
    return "?" + "&".join(part for part in (query, f"page={page}") if part)


@require_GET
@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    form, values, named = _filters(request)
    page = _page(request)
    # Newest first across the tracked tables: page N reads N pages + 1 entry
    # from each, merges and slices (no count of a whole province's log).
    entries = audit_changes(user=request.user, limit=page * PAGE_SIZE + 1, **values)
    shown = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    query = request.GET.copy()
    query.pop("page", None)
    base = query.urlencode()
    drop = {}
    for name in named:
        rest = request.GET.copy()
        for key in (name, "page"):
            rest.pop(key, None)
        drop[name] = "?" + rest.urlencode()
    context = {
        "form": form,
        "named": named,
        "drop": drop,
        "entries": shown,
        "page": page,
        "previous_url": _page_url(base, page - 1) if page > 1 else "",
        "next_url": _page_url(base, page + 1)
        if len(entries) > page * PAGE_SIZE
        else "",
        "export_url": reverse("assessments:audit_export")
        + (f"?{base}" if base else ""),
    }
    return render(request, "assessments/audit_list.html", context)


@require_GET
@login_required
def audit_export(request: AuthedRequest) -> HttpResponse:
    _form, values, _named = _filters(request)
    entries = audit_changes(user=request.user, limit=100_000, **values)
    record_access(
        request=request, action=AccessAction.EXPORT, model="audit", count=len(entries)
    )
    rows = [
        (
            timezone.localtime(e.at).replace(tzinfo=None),
            e.who,
            e.action,
            e.model,
            e.record,
            "; ".join(f"{c.field}: {c.before} → {c.after}" for c in e.changes),
            e.where,
        )
        for e in entries
    ]
    header = [
        "Thời gian",
        "Người thực hiện",
        "Thao tác",
        "Loại hồ sơ",
        "Hồ sơ",
        "Thay đổi",
        "Trang / lệnh",
    ]
    name = f"nhat-ky-{values['start']}-{values['end']}.xlsx"
    return workbook_response([Sheet("Nhật ký", header, rows)], name)
