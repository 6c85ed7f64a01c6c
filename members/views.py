"""Member and cadre lists, the person page, and the forms that change a
person's record — each through a service in members/services.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import push_url

from members import exports, selectors, services
from members.file_windows import holds
from members.filters import CadreFilter, MemberFilter
from members.forms import (
    AdmitForm,
    DisciplineRecordForm,
    EventForm,
    HoldingEndForm,
    HoldingStartForm,
    LeaveForm,
    PersonForm,
    QualificationForm,
    TransferForm,
    UnitDisciplineForm,
)
from members.models import Membership, Person, PositionHolding
from organizations.access import can_write, get_for_user
from organizations.models import Unit
from partyquality.audit import history_for, record_access
from partyquality.http import AuthedRequest

# The access log keeps at most this many ids of one export (record_access caps too).
EXPORT_LOG_MAX_IDS = 5000

PAGE_SIZE = 50
# The count stops here: "more than 2,000" says enough, past it the user filters.
COUNT_CAP = 2_000
# The count's one statement may take this long; then it says "many" instead.
COUNT_TIMEOUT_MS = 1_000


@dataclass
class ListPage:
    """One page of a list: its rows and whether another follows. No count:
    the count arrives on its own (``_count_fragment``)."""

    rows: list[Any]
    number: int
    has_next: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    @property
    def object_list(self) -> list[Any]:
        return self.rows

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def _page_number(value: str | None) -> int:
    if value and value.isascii() and value.isdigit():
        return max(1, min(int(value), COUNT_CAP // PAGE_SIZE + 1))
    return 1


def _list_page(
    request: AuthedRequest, filter_class: type, queryset: Any, template: str
) -> HttpResponse:
    """The page's rows in one query: scope, filters, search, ORDER BY the key
    and the id, LIMIT the page (and one row more: is there a next page)."""
    list_filter = filter_class(request.GET, queryset=queryset, request=request)
    number = _page_number(request.GET.get("page"))
    start = (number - 1) * PAGE_SIZE
    rows = list(list_filter.qs[start : start + PAGE_SIZE + 1])
    page = ListPage(rows[:PAGE_SIZE], number, has_next=len(rows) > PAGE_SIZE)
    # The shareable URL keeps only the filters that are set.
    query = urlencode([(k, v) for k, v in request.GET.items() if v])
    counted = urlencode([(k, v) for k, v in request.GET.items() if v and k != "page"])
    context = {
        "filter": list_filter,
        "page": page,
        "can_write": can_write(request.user),
        "query": query,
        "counted": counted,
        "search_cap": settings.MEMBER_LIST_SEARCH_CAP,
    }
    if request.htmx and not request.htmx.boosted:
        response = render(request, template + "#results", context)
        return push_url(response, f"{request.path}?{query}" if query else request.path)
    return render(request, template, context)


def _count_fragment(
    request: AuthedRequest, filter_class: type, queryset: Any, noun: str
) -> HttpResponse:
    """How many rows the list has, up to ``COUNT_CAP`` + 1, in one statement
    under a timeout: loaded after the rows, which never wait for it."""
    list_filter = filter_class(request.GET, queryset=queryset, request=request)
    capped = list_filter.qs.order_by().values("pk")[: COUNT_CAP + 1]
    count: int | None = None
    if not list_filter.too_broad:  # the page says why it lists no one
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {COUNT_TIMEOUT_MS:d}")
                count = capped.count()
        except OperationalError:  # the timeout: a count of many rows
            count = None
    context = {
        "count": count,
        "cap": COUNT_CAP,
        "noun": noun,
        "too_broad": list_filter.too_broad,
    }
    return render(request, "members/includes/list_count.html", context)


@require_GET
@login_required
def member_list(request: AuthedRequest) -> HttpResponse:
    queryset = selectors.member_list(user=request.user)
    return _list_page(request, MemberFilter, queryset, "members/member_list.html")


@require_GET
@login_required
def member_count(request: AuthedRequest) -> HttpResponse:
    queryset = selectors.member_list(user=request.user)
    return _count_fragment(request, MemberFilter, queryset, "members")


@require_GET
@login_required
def cadre_list(request: AuthedRequest) -> HttpResponse:
    queryset = selectors.cadre_list(user=request.user)
    return _list_page(request, CadreFilter, queryset, "members/cadre_list.html")


@require_GET
@login_required
def cadre_count(request: AuthedRequest) -> HttpResponse:
    queryset = selectors.cadre_list(user=request.user)
    return _count_fragment(request, CadreFilter, queryset, "cadres")


@require_GET
@login_required
def member_export(request: AuthedRequest) -> HttpResponse:
    queryset = selectors.member_list(user=request.user)
    rows = MemberFilter(request.GET, queryset=queryset, request=request).qs
    response = exports.member_workbook(rows)
    _log_export(request, rows.values_list("person_id", flat=True))
    return response


@require_GET
@login_required
def cadre_export(request: AuthedRequest) -> HttpResponse:
    queryset = selectors.cadre_list(user=request.user)
    rows = CadreFilter(request.GET, queryset=queryset, request=request).qs
    response = exports.cadre_workbook(rows)
    _log_export(request, rows.values_list("person_id", flat=True))
    return response


def _log_export(request: AuthedRequest, person_ids: Any) -> None:
    """Member files are confidential (DOMAIN.md §7): log who exported what."""
    ids = list(person_ids[:EXPORT_LOG_MAX_IDS])
    record_access(request=request, action="export", model=Person, ids=ids)


@require_GET
@login_required
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_for_user(Person.objects, user=request.user, pk=pk)
    writer = Person.objects.writable_by(request.user).filter(pk=person.pk).exists()
    file = selectors.person_file(person, request.user)
    history = history_for(person)
    if file.windows is not None:
        # Changes recorded while the person was in the user's subtree (#16).
        history = [
            entry
            for entry in history
            if holds(file.windows, timezone.localdate(entry.at))
        ]
    context = {
        "file": file,
        "person": person,
        "can_edit": writer,
        "national_id": person.national_id if writer else _mask(person.national_id),
        "history": history,
    }
    # Member files are confidential (DOMAIN.md §7): log who opened which file.
    record_access(request=request, action="view", model=Person, ids=[person.pk])
    return render(request, "members/person_detail.html", context)


def _mask(national_id: str | None) -> str | None:
    return None if not national_id else "•" * 9 + national_id[-3:]


def _writable_units(request: AuthedRequest) -> Any:
    today = timezone.localdate()
    return (
        Unit.objects.writable_by(request.user)
        .open_on(today)
        .order_by("sort_name", "id")
    )


def _form_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's errors on the form: on the field when it has one."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _run_form(
    request: AuthedRequest,
    form: forms.Form,
    *,
    person: Person,
    title: str,
    run: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("members:person_detail", pk=person.pk)
    context = {"form": form, "person": person, "title": title}
    return render(request, "members/person_action.html", context)


def _data(request: AuthedRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@login_required
def person_create(request: AuthedRequest) -> HttpResponse:
    """A new file; ``?unit=`` (from a list filtered on a unit) preselects the
    unit that keeps it."""
    initial = {}
    if request.GET.get("unit"):
        unit = get_for_user(
            Unit.objects, user=request.user, pk=request.GET["unit"], write=True
        )
        initial["registered_unit"] = unit
    elif not can_write(request.user):
        raise PermissionDenied
    form = PersonForm(_data(request), initial=initial, units=_writable_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(**form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm hồ sơ."))
            return redirect("members:person_detail", pk=person.pk)
    context = {"form": form, "person": None, "title": _("Thêm người")}
    return render(request, "members/person_action.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def person_update(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_for_user(Person.objects, user=request.user, pk=pk, write=True)
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    form = PersonForm(_data(request), initial=initial, units=_writable_units(request))
    form.fields["registered_unit"].required = False
    return _run_form(
        request,
        form,
        person=person,
        title=_("Sửa thông tin cá nhân"),
        run=lambda data: services.person_update(person=person, **_keep_unit(data)),
        done=_("Đã lưu thông tin."),
    )


def _keep_unit(data: dict[str, Any]) -> dict[str, Any]:
    """An empty unit choice keeps the file where it is."""
    return {k: v for k, v in data.items() if k != "registered_unit" or v is not None}


def _membership(person: Person) -> Membership | None:
    return selectors.person_current_membership(person)


def _membership_action(
    request: AuthedRequest,
    pk: int,
    form_class: type[forms.Form],
    title: str,
    run: Callable[[Membership, dict[str, Any]], object],
    **form_kwargs: Any,
) -> HttpResponse:
    person = get_for_user(Person.objects, user=request.user, pk=pk, write=True)
    membership = _membership(person)
    if membership is None:
        messages.error(request, _("Người này hiện không phải là đảng viên."))
        return redirect("members:person_detail", pk=person.pk)
    form = form_class(_data(request), **form_kwargs)
    return _run_form(
        request,
        form,
        person=person,
        title=title,
        run=lambda data: run(membership, data),
        done=_("Đã ghi nhận."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_admit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_for_user(Person.objects, user=request.user, pk=pk, write=True)
    cells = selectors.writable_cells(request.user, timezone.localdate())
    return _run_form(
        request,
        AdmitForm(_data(request), cells=cells),
        person=person,
        title=_("Kết nạp đảng viên"),
        run=lambda data: services.member_admit(person=person, **data),
        done=_("Đã ghi nhận kết nạp."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_make_full(request: AuthedRequest, pk: int) -> HttpResponse:
    return _membership_action(
        request,
        pk,
        EventForm,
        _("Công nhận đảng viên chính thức"),
        lambda m, d: services.member_make_full(
            membership=m,
            full_member_on=d["date"],
            decision_number=d["decision_number"],
            note=d["note"],
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    cells = selectors.visible_cells(request.user, timezone.localdate())
    return _membership_action(
        request,
        pk,
        TransferForm,
        _("Chuyển sinh hoạt đảng"),
        lambda m, d: services.member_transfer(membership=m, **d),
        cells=cells,
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_exempt(request: AuthedRequest, pk: int) -> HttpResponse:
    return _membership_action(
        request,
        pk,
        EventForm,
        _("Miễn sinh hoạt đảng"),
        lambda m, d: services.member_exempt(membership=m, **d),
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_end_exemption(request: AuthedRequest, pk: int) -> HttpResponse:
    return _membership_action(
        request,
        pk,
        EventForm,
        _("Thôi miễn sinh hoạt đảng"),
        lambda m, d: services.member_end_exemption(membership=m, **d),
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    return _membership_action(
        request,
        pk,
        LeaveForm,
        _("Ra khỏi Đảng"),
        lambda m, d: services.member_leave(membership=m, **d),
    )


@require_http_methods(["GET", "POST"])
@login_required
def discipline_record(request: AuthedRequest, pk: int) -> HttpResponse:
    def run(membership: Membership, data: dict[str, Any]) -> object:
        decision = services.DisciplineDecision(**data)
        return services.discipline_record(membership=membership, decision=decision)

    return _membership_action(
        request, pk, DisciplineRecordForm, _("Ghi nhận kỷ luật"), run
    )


@require_http_methods(["GET", "POST"])
@login_required
def qualification_add(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_for_user(Person.objects, user=request.user, pk=pk, write=True)
    return _run_form(
        request,
        QualificationForm(_data(request)),
        person=person,
        title=_("Thêm trình độ"),
        run=lambda data: services.qualification_add(person=person, **data),
        done=_("Đã thêm trình độ."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def holding_start(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_for_user(Person.objects, user=request.user, pk=pk, write=True)
    return _run_form(
        request,
        HoldingStartForm(_data(request), units=_writable_units(request)),
        person=person,
        title=_("Giao chức vụ"),
        run=lambda data: services.holding_start(person=person, **data),
        done=_("Đã ghi nhận chức vụ."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def holding_end(request: AuthedRequest, pk: int) -> HttpResponse:
    holding = get_for_user(
        PositionHolding.objects.select_related("person", "position"),
        user=request.user,
        pk=pk,
        write=True,
    )
    return _run_form(
        request,
        HoldingEndForm(_data(request)),
        person=holding.person,
        title=_("Thôi giữ chức vụ: %(position)s") % {"position": holding.position},
        run=lambda data: services.holding_end(holding=holding, **data),
        done=_("Đã ghi nhận thôi giữ chức vụ."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_discipline_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """Discipline of an organization: reprimand, warning or dissolution."""
    unit = get_for_user(Unit.objects, user=request.user, pk=pk, write=True)
    form = UnitDisciplineForm(_data(request))
    if request.method == "POST" and form.is_valid():
        decision = services.DisciplineDecision(**form.cleaned_data)
        try:
            services.discipline_record(unit=unit, decision=decision)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận kỷ luật tổ chức."))
            return redirect("organizations:unit_detail", pk=unit.pk)
    title = _("Kỷ luật tổ chức: %(unit)s") % {"unit": unit.name}
    context = {"form": form, "person": None, "unit": unit, "title": title}
    return render(request, "members/person_action.html", context)
