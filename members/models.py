"""People, party membership and its events, qualifications, positions and
discipline (DOMAIN.md §4).

A transfer never rewrites where a member was: ``CellPeriod`` rows are dated,
so last year's data stays with last year's cell. ``Membership.status`` and
``Membership.current_cell`` are caches that only the services in
``members/services.py`` write, from the events they record, so list filters
stay one indexed query at national size (5.2 million members).
"""

from __future__ import annotations

import pgtrigger
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from members.ethnicities import ETHNICITIES, KINH
from members.querysets import (
    MembershipQuerySet,
    PersonQuerySet,
)
from organizations.models import DateRange, Unit
from partyquality.collation import PersonSortKey
from partyquality.search import NAME_WORDS_INDEX, Unaccented, name_words

# Căn cước (Law on Identification 2023): 12 digits.
NATIONAL_ID_PATTERN = r"^[0-9]{12}$"
ERR_NATIONAL_ID_FORMAT = _("Số căn cước phải gồm đúng 12 chữ số.")
# Party card numbers are digits, sometimes grouped with dots (e.g. 47.012345).
CARD_NUMBER_PATTERN = r"^[0-9][0-9.]{4,18}[0-9]$"
ERR_CARD_NUMBER_FORMAT = _(
    "Số thẻ đảng viên chỉ gồm chữ số (có thể có dấu chấm), từ 6 đến 20 ký tự."
)


class Gender(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class Person(models.Model):
    """Anyone the reports count: member, cadre, both, or neither (a village head)."""

    full_name = models.CharField(_("họ và tên"), max_length=120)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices)
    date_of_birth = models.DateField(_("ngày sinh"))
    ethnicity = models.CharField(
        _("dân tộc"), max_length=2, choices=ETHNICITIES, default=KINH
    )
    religion = models.CharField(_("tôn giáo"), max_length=60, blank=True)
    home_village = models.CharField(_("quê quán"), max_length=200, blank=True)
    # Sensitive (căn cước): optional, unique when present, never shown in lists.
    national_id = models.CharField(
        _("số căn cước"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[RegexValidator(NATIONAL_ID_PATTERN, ERR_NATIONAL_ID_FORMAT)],
    )
    # Who keeps the file of someone with no membership or position yet (a
    # candidate, a village head): scopes the record until one exists.
    registered_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_people",
        verbose_name=_("đơn vị quản lý hồ sơ"),
    )
    search_name = models.GeneratedField(
        expression=Unaccented("full_name"),
        output_field=models.TextField(db_collation="C"),
        db_persist=True,
    )
    # The name's key in the order lists of people are kept: given name first,
    # Vietnamese alphabetical order (partyquality/collation.py, DOMAIN.md §8).
    sort_name = models.GeneratedField(
        expression=PersonSortKey("full_name"),
        output_field=models.TextField(db_collation="C"),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("người")
        verbose_name_plural = _("người")
        ordering = ["sort_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(national_id__isnull=True)
                | Q(national_id__regex=NATIONAL_ID_PATTERN),
                name="person_national_id_12_digits",
                violation_error_message=ERR_NATIONAL_ID_FORMAT,
            ),
        ]
        indexes = [
            # The lists sorted by name, and by date of birth (with the person
            # as tie-breaker): walked in the list's order, not sorted.
            models.Index(fields=["sort_name", "id"], name="person_sort_name_idx"),
            models.Index(
                fields=["date_of_birth", "id"],
                include=["search_name"],
                name="person_birth_idx",
            ),
            # Name search is by words (partyquality/search.py).
            GinIndex(name_words("search_name"), name=NAME_WORDS_INDEX),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_ethnic_minority(self) -> bool:
        return self.ethnicity != KINH


class MembershipStatus(models.TextChoices):
    PROBATIONARY = "probationary", _("Dự bị")
    FULL = "full", _("Chính thức")
    EXEMPTED = "exempted", _("Miễn sinh hoạt")
    RESIGNED = "resigned", _("Xin ra khỏi Đảng")
    STRUCK_OFF = "struck_off", _("Xóa tên")
    EXPELLED = "expelled", _("Khai trừ")
    DECEASED = "deceased", _("Từ trần")


ACTIVE_STATUSES = (
    MembershipStatus.PROBATIONARY,
    MembershipStatus.FULL,
    MembershipStatus.EXEMPTED,
)
LEFT_STATUSES = (
    MembershipStatus.RESIGNED,
    MembershipStatus.STRUCK_OFF,
    MembershipStatus.EXPELLED,
    MembershipStatus.DECEASED,
)


def province_copy(name: str, unit_column: str) -> pgtrigger.Trigger:
    """The trigger keeping ``ProvinceCopy.province`` of a row: its unit's
    province, whatever writes the row (an import's COPY, a raw UPDATE; a
    value written by hand is put right)."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.UpdateOf(unit_column, "province_id"),
        func=f"""
            NEW.province_id := (
                SELECT province_id FROM organizations_unit WHERE id = NEW.{unit_column});
            RETURN NEW;""",  # noqa: S608 — our own column names
    )


def province_to_rows(name: str, table: str, unit_column: str) -> pgtrigger.Trigger:
    """The trigger, on the units, that moves the copies of a unit placed in
    another province (``organizations.tree.place_in_provinces``: a merger of
    provinces, a move). Registered on ``Unit`` from here, beside the copy,
    so organizations/ knows nothing of the tables below it."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=pgtrigger.UpdateOf("province_id"),
        condition=pgtrigger.Condition(
            "OLD.province_id IS DISTINCT FROM NEW.province_id"
        ),
        func=f"""
            UPDATE {table} SET province_id = NEW.province_id
            WHERE {unit_column} = NEW.id;
            RETURN NULL;""",  # noqa: S608 — our own table names
    )


class ProvinceCopy(models.Model):
    """The province of the row's unit (``Unit.province``), copied by a
    trigger whatever writes the row (``province_copy``, ``province_to_rows``;
    the bulk generator, which loads with triggers off, writes it itself): a
    user whose reach lies in one province reads that province's range of an
    index instead of the country's (issue #17: the one copy kept,
    docs/member_list.md). The triggers are declared with the models and
    installed by pgtrigger after every migrate (settings.PGTRIGGER_*)."""

    province = models.ForeignKey(
        Unit,
        on_delete=models.DO_NOTHING,
        null=True,
        editable=False,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        abstract = True


class Membership(ProvinceCopy):
    """One span of party membership, from admission to leaving."""

    # Indexed with the membership's id (``membership_person_idx``).
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,
        verbose_name=_("người"),
    )
    card_number = models.CharField(
        _("số thẻ đảng viên"),
        max_length=20,
        null=True,
        blank=True,
        unique=True,
        validators=[RegexValidator(CARD_NUMBER_PATTERN, ERR_CARD_NUMBER_FORMAT)],
    )
    admitted_on = models.DateField(_("ngày vào Đảng"))
    full_member_on = models.DateField(_("ngày chính thức"), null=True, blank=True)
    ended_on = models.DateField(_("ngày ra khỏi Đảng"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PROBATIONARY,
    )
    current_cell = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="current_memberships",
        verbose_name=_("chi bộ hiện tại"),
    )
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        constraints = [
            models.CheckConstraint(
                condition=Q(card_number__isnull=True)
                | Q(card_number__regex=CARD_NUMBER_PATTERN),
                name="membership_card_number_format",
                violation_error_message=ERR_CARD_NUMBER_FORMAT,
            ),
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True)
                | Q(full_member_on__gt=F("admitted_on")),
                name="membership_full_after_admission",
                violation_error_message=_("Ngày chính thức phải sau ngày vào Đảng."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("admitted_on")),
                name="membership_ends_after_admission",
                violation_error_message=_("Ngày ra khỏi Đảng phải sau ngày vào Đảng."),
            ),
            ExclusionConstraint(
                name="membership_no_overlap",
                expressions=[
                    ("person", RangeOperators.EQUAL),
                    (DateRange("admitted_on", "ended_on"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_(
                    "Người này đã là đảng viên trong khoảng thời gian đó."
                ),
            ),
        ]
        indexes = [
            # A person's memberships, read from the index alone: joining the
            # people found by a name search to their memberships, and whether
            # a cadre is a member now (the cadre list's filter: 1.3 s as a
            # hash of 5 million memberships, 0.17 s so). With the person
            # alone PostgreSQL took the GiST exclusion index instead (also on
            # the person, ten times slower per lookup: 26 ms for a page of
            # 2,000 names, bench/RESULTS.md).
            models.Index(
                fields=["person"],
                include=["id", "ended_on"],
                name="membership_person_idx",
            ),
            models.Index(fields=["current_cell", "status"]),
            # The member list sorted by admission or status, with its
            # tie-breaker, for the country and for one province: walked in
            # the list's order instead of sorting millions of rows.
            models.Index(fields=["admitted_on", "id"], name="membership_admitted_idx"),
            models.Index(fields=["status", "id"], name="membership_status_idx"),
            models.Index(
                fields=["province", "admitted_on", "id"],
                name="membership_prov_admitted_idx",
            ),
            models.Index(
                fields=["province", "status", "id"], name="membership_prov_status_idx"
            ),
        ]
        triggers = [province_copy("membership_province", "current_cell_id")]

    def __str__(self) -> str:
        return f"{self.person} ({self.card_number or '—'})"


class CellPeriod(models.Model):
    """The cell a member belonged to, for a period (official or temporary)."""

    # Labels of their own: the history reads them (issue #18: "Membership" and
    # "Cell" showed in English in the Vietnamese audit log).
    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="cell_periods",
        verbose_name=_("đảng viên"),
    )
    cell = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="member_periods",
        verbose_name=_("chi bộ"),
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    is_temporary = models.BooleanField(_("sinh hoạt tạm thời"), default=False)

    class Meta:
        verbose_name = _("quá trình sinh hoạt")
        verbose_name_plural = _("quá trình sinh hoạt")
        ordering = ["valid_from"]
        constraints = [
            # One official cell at a time; temporary attendance may overlap it.
            ExclusionConstraint(
                name="cellperiod_one_official_cell",
                expressions=[
                    ("membership", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                condition=Q(is_temporary=False),
                violation_error_message=_(
                    "Đảng viên chỉ sinh hoạt chính thức ở một chi bộ."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="cellperiod_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["cell", "valid_from", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.membership} @ {self.cell}"


class MemberEventKind(models.TextChoices):
    ADMISSION = "admission", _("Kết nạp")
    FULL_MEMBER = "full_member", _("Công nhận chính thức")
    TRANSFER_OFFICIAL = "transfer_official", _("Chuyển sinh hoạt chính thức")
    TRANSFER_TEMPORARY = "transfer_temporary", _("Chuyển sinh hoạt tạm thời")
    EXEMPTION = "exemption", _("Miễn sinh hoạt")
    EXEMPTION_END = "exemption_end", _("Thôi miễn sinh hoạt")
    RESIGNATION = "resignation", _("Xin ra khỏi Đảng")
    STRUCK_OFF = "struck_off", _("Xóa tên")
    EXPULSION = "expulsion", _("Khai trừ")
    DEATH = "death", _("Từ trần")


class MemberEvent(models.Model):
    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("đảng viên"),
    )
    kind = models.CharField(
        _("sự kiện"), max_length=24, choices=MemberEventKind.choices
    )
    date = models.DateField(_("ngày"))
    decision_number = models.CharField(_("số quyết định"), max_length=80, blank=True)
    from_cell = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("từ chi bộ"),
    )
    to_cell = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đến chi bộ"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện đảng viên")
        verbose_name_plural = _("sự kiện đảng viên")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


# Qualifications, positions, holdings and discipline, and the import jobs,
# live beside these.
pgtrigger.register(
    province_to_rows(
        "unit_province_to_memberships", "members_membership", "current_cell_id"
    )
)(Unit)

from members.cadre_models import *  # noqa: E402, F403  (see there)
from members.import_job_models import *  # noqa: E402, F403  (see there)
from members.residence_models import *  # noqa: E402, F403  (see there)
