"""Reading the audit trail in plain language, and logging who viewed or
exported member records.

The events are written by database triggers (django-pghistory; why, in
assessments/audit_models.py, which defines the event tables of every tracked
table). This module is the bottom layer's reader: the apps register their
event tables, who may see which events and how ids read as names
(``register``, ``register_labels``, called from AssessmentsConfig.ready), so
organizations/ and members/ show a record's history without importing the
layer above them. A page shows a record's history with::

    {% include "includes/history.html" with history=history %}

where ``history = history_for(obj)``; a page that shows or exports member
records calls ``record_access(request=..., action=..., model=..., ids=...)``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyquality.models import AccessAction, RecordAccess

AnyUser = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Tracked:
    """A tracked table's event table, which of its events a user sees, and
    which are about the units under some units (``within``) or about a
    person (``about``; None: the table holds nothing about people)."""

    event_model: type[Model]
    scope: Callable[[type[Model], AnyUser], Q]
    within: Callable[[type[Model], Any], Q] | None = None
    about: Callable[[type[Model], int], Q | None] | None = None


# Filled by ``register`` and ``register_labels`` (AssessmentsConfig.ready).
TRACKED: dict[type[Model], Tracked] = {}
# For a column holding ids ("unit_id"): the labels of the ids read at once.
LABELS: dict[str, Callable[[set[Any]], dict[Any, str]]] = {}


def register(
    event_model: type[Model],
    *,
    scope: Callable[[type[Model], AnyUser], Q],
    within: Callable[[type[Model], Any], Q] | None = None,
    about: Callable[[type[Model], int], Q | None] | None = None,
) -> None:
    tracked = event_model.pgh_tracked_model  # type: ignore[attr-defined]
    TRACKED[tracked] = Tracked(
        event_model=event_model, scope=scope, within=within, about=about
    )


def register_labels(
    attnames: Iterable[str], read: Callable[[set[Any]], dict[Any, str]]
) -> None:
    for attname in attnames:
        LABELS[attname] = read


# Values that are never shown in a history (DOMAIN.md §4: sensitive).
HIDDEN_FIELDS = {"national_id"}
SKIPPED_FIELDS = {"updated_at", "updated_by_id", "created_at", "id", "search_name"}
CONDITION_LABELS = {
    "tasks_all_done": "100% nhiệm vụ",
    "tasks_exceeded": "vượt ≥ 30%",
    "disqualified": "thuộc trường hợp không hoàn thành",
}

ACTIONS = {
    "insert": "Tạo mới",
    "update": "Sửa",
    "delete": "Xóa",
}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    at: datetime.datetime
    action: str
    record: str
    who: str
    where: str
    changes: list[Change] = field(default_factory=list)
    model: str = ""


def _event_models() -> dict[type[Model], type[Model]]:
    return {tracked: entry.event_model for tracked, entry in TRACKED.items()}


def _display(tracked: type[Model], name: str, value: Any, labels: dict) -> str:
    if value is None or value == "":
        return "—"
    if name in HIDDEN_FIELDS:
        return "••••"
    try:
        f = tracked._meta.get_field(name)
    except FieldDoesNotExist:  # an attname like "unit_id"
        f = None
    if f is not None and getattr(f, "choices", None):
        return str(dict(f.choices).get(value, value))
    if name in labels:
        return labels[name].get(value, str(value))
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dict):
        return "; ".join(
            f"{CONDITION_LABELS.get(k, k)}: {'có' if v else 'không'}"
            for k, v in value.items()
        )
    return str(value)


def _field_label(tracked: type[Model], attname: str) -> str:
    """The field's Vietnamese name: ``national_id`` is a field of its own,
    ``cell_id`` the column of ``cell`` (issue 18: "National" showed, cut
    from ``national_id``)."""
    for name in (attname, attname.removesuffix("_id")):
        try:
            return str(tracked._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return attname


@dataclass
class _Names:
    """The authors and the names of the ids that some events hold."""

    users: dict[Any, Any]
    labels: dict[str, dict[Any, str]]


def _read_names(events: Sequence[Any]) -> _Names:
    """One read of the authors and one per kind of name, for events of any
    tracked tables (the audit log reads them once for the whole page)."""
    user_ids = {
        (e.pgh_context.metadata or {}).get("user") for e in events if e.pgh_context
    }
    users = {u.pk: u for u in User.objects.filter(pk__in=[u for u in user_ids if u])}
    ids: dict[str, set[Any]] = {attname: set() for attname in LABELS}
    for e in events:
        for attname, value in _data(e).items():
            if value is not None and attname in ids:
                ids[attname].add(value)
    read_together: dict[Callable, set[Any]] = {}
    for attname, found in ids.items():  # one read for columns sharing a reader
        read_together.setdefault(LABELS[attname], set()).update(found)
    read = {
        reader: reader(found) if found else {}
        for reader, found in read_together.items()
    }
    return _Names(users, {attname: read[LABELS[attname]] for attname in ids})


def _entries(
    events: Sequence[Any], tracked: type[Model], names: _Names | None = None
) -> list[HistoryEntry]:
    """Turn event rows of one model into entries with before/after values."""
    names = names or _read_names(events)
    users, labels = names.users, names.labels
    previous: dict[Any, dict] = {}
    entries = []
    for e in sorted(events, key=lambda ev: (ev.pgh_created_at, ev.pgh_id)):
        data = _data(e)
        before = previous.get(e.pgh_obj_id, {})
        changes = []
        for key, value in data.items():
            if key in SKIPPED_FIELDS or key.startswith("pgh_"):
                continue
            old = before.get(key)
            if e.pgh_label == "delete":
                continue
            if old != value and not (old is None and value in ("", {}, [])):
                changes.append(
                    Change(
                        _field_label(tracked, key),
                        _display(tracked, key, old, labels) if before else "—",
                        _display(tracked, key, value, labels),
                    )
                )
        previous[e.pgh_obj_id] = data
        meta = (e.pgh_context.metadata or {}) if e.pgh_context else {}
        user = users.get(meta.get("user"))
        who = (user.get_full_name() or user.username) if user else "—"
        # No page and no command (a change made in a shell): say nothing
        # rather than "tại —".
        where = (
            page_name(meta["url"])
            if meta.get("url")
            else (f"lệnh {meta['command']}" if meta.get("command") else "")
        )
        if e.pgh_label == "update" and not changes:
            continue
        entries.append(
            HistoryEntry(
                at=e.pgh_created_at,
                action=ACTIONS.get(e.pgh_label, e.pgh_label),
                record=_record_name(tracked, data, labels),
                who=who,
                where=where,
                changes=changes,
                model=str(tracked._meta.verbose_name),
            )
        )
    return entries


def _data(event: Any) -> dict:
    return {
        f.attname: getattr(event, f.attname)
        for f in event._meta.concrete_fields
        if not f.attname.startswith("pgh_")
    }


def _record_name(tracked: type[Model], data: dict, labels: dict) -> str:
    if "full_name" in data:
        return str(data["full_name"])
    if "name" in data:
        return str(data["name"])
    if data.get("person_id"):
        name = labels.get("person_id", {}).get(data["person_id"], "")
        return " ".join(str(p) for p in (name, data.get("year")) if p)
    unit_id = data.get("unit_id") or data.get("cell_id")
    unit = labels.get("unit_id", {}).get(unit_id)
    year = data.get("year")
    named = " ".join(str(p) for p in (unit, year) if p)
    # A row of ids only (an item ticked in a checklist): its ids as names.
    return named or " — ".join(
        labels[key][value]
        for key, value in data.items()
        if key in labels and value in labels[key]
    )


def history_for(objs: Model | Iterable[Model]) -> list[HistoryEntry]:
    """The history of one record (or several of one model), oldest first."""
    items = [objs] if isinstance(objs, Model) else list(objs)
    if not items:
        return []
    tracked = type(items[0])
    event_model = _event_models()[tracked]
    events = list(
        event_model.objects.filter(pgh_obj_id__in=[o.pk for o in items])  # type: ignore[attr-defined]
        .select_related("pgh_context")
        .order_by("pgh_created_at", "pgh_id")
    )
    return _entries(events, tracked)


def history_matching(tracked: type[Model], **filters: Any) -> list[HistoryEntry]:
    """The history of every row of ``tracked`` whose recorded values match the
    filters, deleted rows included (e.g. ``unit_id__in=[…], year=2024``)."""
    event_model = _event_models()[tracked]
    events = list(
        event_model.objects.filter(**filters)  # type: ignore[attr-defined]
        .select_related("pgh_context")
        .order_by("pgh_created_at", "pgh_id")
    )
    return _entries(events, tracked)


def _scoped(event_model: type[Model], user: AnyUser) -> Q:
    """Events of a model limited to the user's subtree, by the unit the row had."""
    tracked = event_model.pgh_tracked_model  # type: ignore[attr-defined]
    return TRACKED[tracked].scope(event_model, user)


def tracked_kinds() -> list[tuple[str, str]]:
    """(label, name) of each tracked table, for the "kind of change" filter."""
    return sorted(
        (tracked._meta.label_lower, str(tracked._meta.verbose_name))
        for tracked in TRACKED
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of the day where the users are (TIME_ZONE)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_changes(
    *,
    user: AnyUser,
    start: datetime.date,
    end: datetime.date,
    limit: int = 2000,
    kind: str = "",
    author_id: int | None = None,
    under: Any = None,
    person_id: int | None = None,
) -> list[HistoryEntry]:
    """Recorded changes in the user's subtree between two dates, newest first,
    of one kind of record (``kind``: a model label), one author, the units
    under a unit (``under``: that unit's dated subtree, handed to each
    table's ``within``: the units under it on each event's day) and one
    person, each if given. The first ``limit``: a page N of size S asks for N × S + 1."""
    entries: list[HistoryEntry] = []
    fetched: list[tuple[type[Model], list[Any]]] = []
    for tracked, entry in TRACKED.items():
        event_model = entry.event_model
        if kind and tracked._meta.label_lower != kind:
            continue
        narrow = []
        if under is not None:
            if entry.within is None:
                continue
            narrow.append(entry.within(event_model, under))
        if person_id is not None:
            about = entry.about(event_model, person_id) if entry.about else None
            if about is None:
                continue
            narrow.append(about)
        qs: QuerySet = event_model.objects.filter(  # type: ignore[attr-defined]
            _scoped(event_model, user),
            *narrow,
            # A range of times, not of dates cast from them: the table's index
            # by time answers it (assessments.audit_models).
            pgh_created_at__gte=_day_start(start),
            pgh_created_at__lt=_day_start(end + datetime.timedelta(days=1)),
        )
        if author_id is not None:
            # Kept on the event row when written (assessments/audit_context).
            qs = qs.filter(pgh_author_id=author_id)
        qs = qs.select_related("pgh_context").order_by("-pgh_created_at", "-pgh_id")[
            :limit
        ]
        fetched.append((tracked, list(qs)))
    names = _read_names([e for _tracked, events in fetched for e in events])
    for tracked, events in fetched:
        # Newest first within the model too (changes in one transaction share
        # a time); the sort below is stable, so that order holds across ties.
        entries.extend(reversed(_entries(events, tracked, names)))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


# The page a change was made on, as its users name it (issue 18: entries read
# "tại /danh-gia/71/2026/dong/"). By URL name, else by the app's pages.
PAGE_NAMES = {
    "assessments:review_entry": _("trang đánh giá, xếp loại"),
    "assessments:review_save_row": _("trang đánh giá, xếp loại"),
    "assessments:review_copy_last_year": _("chép mức năm trước"),
    "assessments:classification_import": _("nhập xếp loại từ Excel"),
    "assessments:review_submit": _("trình cấp trên"),
    "assessments:review_return": _("trả lại"),
    "assessments:review_approve": _("duyệt và khóa"),
    "assessments:review_reopen": _("mở lại"),
    "assessments:bulk_approve": _("duyệt nhiều tổ chức"),
}
APP_PAGES = {
    "assessments": _("trang đánh giá, xếp loại"),
    "members": _("trang đảng viên, cán bộ"),
    "organizations": _("trang tổ chức đảng"),
    "admin": _("trang quản trị"),
}


def page_name(url: str) -> str:
    path = url.split("?", 1)[0]
    try:
        match = resolve(path)
    except Resolver404:
        return path
    name = PAGE_NAMES.get(match.view_name) or APP_PAGES.get(match.namespace)
    if name is None and "nhap" in path:
        name = _("nhập từ Excel")
    return str(name) if name is not None else path


def record_access(
    *,
    request: HttpRequest,
    action: str,
    model: type[Model] | str,
    ids: Iterable[object] = (),
    count: int | None = None,
) -> RecordAccess:
    """Log that the request's user viewed or exported records (confidential
    member files, DOMAIN.md §7). Call it from every page that shows a member's
    file and every export of member lists."""
    id_list = [str(i) for i in ids][:5000]
    label = model if isinstance(model, str) else model._meta.label
    return RecordAccess.objects.create(
        user=request.user,
        action=AccessAction(action),
        model=label,
        object_ids=id_list,
        count=count if count is not None else len(id_list),
        path=request.get_full_path()[:500],
    )
