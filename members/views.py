"""Member and cadre lists, the person page, and the forms that change a
person's record — each through a service in members/services.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import push_url

from members import exports, selectors, services
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
from partyquality.queries import list_page_settings
from partyquality.search import FirstIds

# The access log keeps at most this many ids of one export (record_access caps too).
EXPORT_LOG_MAX_IDS = 5000

PAGE_SIZE = 50


class CappedPaginator(Paginator):
    """Counts at most ``CAP`` + 1 rows: an exact count of millions of members
    costs more than the page itself, and nobody reads 40 pages of a list:
    past 2,000 rows the page asks the user to filter further.

    A page is read in two steps: first the ids of its rows, in order, with
    only the columns the filters and the sort need (PostgreSQL can answer
    that by walking the name index), then the rows themselves with their
    joins and annotations for those ids alone.

    ``first_ids``: for a name search the ids of the first ``CAP`` + 1 matches
    are read once, in the search's own order (names starting with the words
    first: partyquality/search.py), and give both the count and the page —
    or, when the search counted its matches apart (``FirstIds``), the count
    and the first page's ids; a later page's are read when asked for.
    """

    CAP = 2_000

    def __init__(
        self,
        *args: Any,
        first_ids: Callable[..., list[int] | None] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._read_first_ids = first_ids

    @cached_property
    def _first_ids(self) -> list[int] | None:
        if self._read_first_ids is None:
            return None
        return self._read_first_ids(self.CAP + 1, needed=self.per_page)

    @cached_property
    def count(self) -> int:
        if isinstance(self._first_ids, FirstIds):
            return self._first_ids.matches
        if self._first_ids is not None:
            return len(self._first_ids)
        rows = self.object_list.order_by().values("pk")
        return rows[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP

    def page(self, number: Any) -> Any:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:  # as Paginator.page: never past the count
            top = self.count
        if self._first_ids is not None:
            first_ids = self._first_ids
            if len(first_ids) < top and len(first_ids) < self.count:
                # Only the first page's were read: read up to this one's.
                first_ids = self._read_first_ids(self.CAP + 1, needed=top)
            ids = first_ids[bottom:top]
        else:
            ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def _list_page(
    request: AuthedRequest, filter_class: type, queryset: Any, template: str
) -> HttpResponse:
    with list_page_settings():
        return _render_list_page(request, filter_class, queryset, template)


def _render_list_page(
    request: AuthedRequest, filter_class: type, queryset: Any, template: str
) -> HttpResponse:
    list_filter = filter_class(request.GET, queryset=queryset, request=request)
    rows = list_filter.qs  # validates the form
    paginator = CappedPaginator(rows, PAGE_SIZE, first_ids=list_filter.first_ids)
    page = paginator.get_page(request.GET.get("page"))
    # The shareable URL keeps only the filters that are set.
    query = urlencode([(k, v) for k, v in request.GET.items() if v])
    context = {
        "filter": list_filter,
        "page": page,
        "can_write": can_write(request.user),
        "query": query,
    }
    if request.htmx and not request.htmx.boosted:
        response = render(request, template + "#results", context)
        return push_url(response, f"{request.path}?{query}" if query else request.path)
    return render(request, template, context)


@require_GET
@login_required
def member_list(request: AuthedRequest) -> HttpResponse:
    queryset = selectors.member_list(user=request.user)
    return _list_page(request, MemberFilter, queryset, "members/member_list.html")


@require_GET
@login_required
def cadre_list(request: AuthedRequest) -> HttpResponse:
    queryset = selectors.cadre_list(user=request.user)
    return _list_page(request, CadreFilter, queryset, "members/cadre_list.html")


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
    context = {
        "file": selectors.person_file(person),
        "person": person,
        "can_edit": writer,
        "national_id": person.national_id if writer else _mask(person.national_id),
        "history": history_for(person),
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
