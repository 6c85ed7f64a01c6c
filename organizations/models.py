"""The tree of Party organizations and its history (DOMAIN.md §2).

The tree changes: units merge, split, move and close, and a report for 2024
must run on the 2024 tree while 2026 runs on the 2026 tree. So nothing is
deleted: a unit has an opening and a closing date, its place in the tree is a
dated ``UnitLink`` and every change is a ``UnitEvent`` with its decision.

Dates are half-open: a unit exists on ``opened_on <= d < closed_on``; a link
holds on ``valid_from <= d < valid_to``. A merge effective 1 July 2025 closes
the old units on 2025-07-01 and opens the new one that same day.
"""

from __future__ import annotations

import datetime

import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from organizations.querysets import UnitQuerySet
from partyquality.collation import VnSortKey
from partyquality.search import Unaccented


class DateRange(Func):
    """``daterange(lower, upper, '[)')`` for exclusion constraints."""

    function = "DATERANGE"
    output_field = DateRangeField()


def tree_changed(name: str, operation: pgtrigger.Operation) -> pgtrigger.Trigger:
    """After a statement writing what reaches are read from, the tree's
    version changes (the row and sequence of organizations/0004), so the
    reaches kept between requests are read again (organizations/access.py).
    Once a statement, ``TRUNCATE`` included; a new table that shapes the tree
    declares it too."""
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        func="""
            UPDATE organizations_tree_version
            SET version = nextval('organizations_tree_version_seq');
            RETURN NULL;""",
    )


EVERY_WRITE = (
    pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete | pgtrigger.Truncate
)


class Level(models.TextChoices):
    """Where a unit stands in the tree. Never 'district': see DOMAIN.md §1."""

    PROVINCE = "province", _("Đảng bộ tỉnh/thành phố")
    SUPERIOR = "superior", _("Cấp trên trực tiếp cơ sở")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Đảng bộ cơ sở")
    GRASSROOTS_CELL = "grassroots_cell", _("Chi bộ cơ sở")
    SUBCOMMITTEE = "subcommittee", _("Đảng bộ bộ phận")
    CELL = "cell", _("Chi bộ trực thuộc")


GRASSROOTS_LEVELS = (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL)

# Who sits under whom (DOMAIN.md §2): a province committee has no parent; a
# chi bộ cơ sở and a cell have no units under them. Checked wherever a unit
# is put under another: the tree import, and the services' new units
# ("Thành lập", a merge's or split's successor) and moves, so a tree built
# through the forms re-imports.
ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
    Level.PROVINCE: (),
    Level.SUPERIOR: (Level.PROVINCE, Level.SUPERIOR),
    Level.GRASSROOTS_COMMITTEE: (Level.PROVINCE, Level.SUPERIOR),
    Level.GRASSROOTS_CELL: (Level.PROVINCE, Level.SUPERIOR),
    Level.SUBCOMMITTEE: (Level.GRASSROOTS_COMMITTEE,),
    Level.CELL: (Level.GRASSROOTS_COMMITTEE, Level.SUBCOMMITTEE),
}
BAD_PARENT_LEVEL = _(
    "“{level}” không thể trực thuộc “{parent_level}” (“{code}”): cấp trên của "
    "“{level}” phải là {allowed}."
)
NO_PARENT_LEVEL = _(
    "“{level}” là cấp cao nhất, không trực thuộc tổ chức nào (“{code}”)."
)
OR = _(" hoặc ")


def parent_level_problem(level: str, parent_level: str, parent_code: str) -> str:
    """The message for a unit of ``level`` put under one of
    ``parent_level`` (code ``parent_code``), or "" when that is allowed."""
    allowed = ALLOWED_PARENTS.get(level, ())
    if parent_level in allowed:
        return ""
    labels = dict(Level.choices)
    names = {"level": labels.get(level, level), "code": parent_code}
    if not allowed:
        return str(NO_PARENT_LEVEL).format(**names)
    return str(BAD_PARENT_LEVEL).format(
        parent_level=labels.get(parent_level, parent_level),
        allowed=str(OR).join(f"“{labels[a]}”" for a in allowed),
        **names,
    )


CELL_LIKE_LEVELS = (Level.CELL, Level.GRASSROOTS_CELL)


class Kind(models.TextChoices):
    """The kind (loại hình) of a unit; superior units have their own kinds."""

    PROVINCE = "province", _("Tỉnh")
    CITY = "city", _("Thành phố")
    DISTRICT = "district", _("Huyện")
    TOWN = "town", _("Thị xã")
    BLOC = "bloc", _("Khối")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    TOWNSHIP = "township", _("Thị trấn")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")
    AGENCY = "agency", _("Cơ quan Đảng, Nhà nước, MTTQ")
    PUBLIC_SERVICE = "public_service", _("Đơn vị sự nghiệp")
    STATE_ENTERPRISE = "state_enterprise", _("Doanh nghiệp nhà nước")
    NONSTATE_ENTERPRISE = "nonstate_enterprise", _("Doanh nghiệp ngoài nhà nước")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    ARMY = "army", _("Quân đội")
    POLICE = "police", _("Công an")
    OVERSEAS = "overseas", _("Ngoài nước")
    VILLAGE = "village", _("Thôn, bản, ấp")
    RESIDENTIAL_GROUP = "residential_group", _("Tổ dân phố, khu phố")
    SCHOOL = "school", _("Trường học")
    DEPARTMENT = "department", _("Phòng, ban")
    OTHER = "other", _("Khác")


class Unit(models.Model):
    """A Party organization at any level: province committee down to cell."""

    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp"), max_length=24, choices=Level.choices)
    kind = models.CharField(_("loại hình"), max_length=24, choices=Kind.choices)
    opened_on = models.DateField(_("ngày thành lập"))
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    # Decree 33/2023 relaxes standards in these areas; set on the commune-level
    # unit (DOMAIN.md §4).
    is_difficult_area = models.BooleanField(
        _("vùng miền núi, biên giới, hải đảo, DTTS, đặc biệt khó khăn"), default=False
    )
    # Lower-cased, accent-free name for search ("chau cuong" finds "Châu Cường"),
    # computed by PostgreSQL so bulk loads and imports can never forget it.
    search_name = models.GeneratedField(
        expression=Unaccented("name"), output_field=models.TextField(), db_persist=True
    )
    # The name's key in Vietnamese alphabetical order (partyquality/collation.py):
    # lists, trees and drop-downs of units are ordered by it.
    sort_name = models.GeneratedField(
        expression=VnSortKey("name"),
        output_field=models.TextField(db_collation="C"),
        db_persist=True,
    )
    # The open province whose reach (``tree.subtree_ever_ids``) holds the unit,
    # set by ``tree.place_in_provinces`` after every change of the tree and
    # copied onto the unit's memberships by a trigger: the member list of a
    # province officer reads one province's range of a name index instead of
    # the whole country's (members.models.Membership). Only speed depends on
    # it being up to date: the list narrows by it only when every unit of the
    # officer's reach has the same one (organizations.access.reach_province).
    province = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
        verbose_name=_("thuộc tỉnh"),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        ordering = ["sort_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(closed_on__isnull=True),
                name="unit_code_unique_among_open",
                violation_error_message=_(
                    "Mã này đã được một tổ chức đang hoạt động dùng."
                ),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(closed_on__gt=models.F("opened_on")),
                name="unit_closes_after_opening",
                violation_error_message=_("Ngày kết thúc phải sau ngày thành lập."),
            ),
        ]
        indexes = [
            models.Index(fields=["level", "kind"]),
            GinIndex(
                OpClass(F("search_name"), name="gin_trgm_ops"), name="unit_search_trgm"
            ),
            # The member list sorted by cell: cells in Vietnamese name order,
            # each cell's members read in turn (docs/member_list.md).
            models.Index(fields=["sort_name", "id"], name="unit_sort_name_idx"),
            # The same for a province officer: the province's cells in name
            # order (members.selectors._in_reach_province).
            models.Index(
                fields=["province", "sort_name", "id"],
                name="unit_province_sort_name_idx",
            ),
        ]
        # A unit added, removed or placed in another province; its other
        # columns do not shape reaches.
        triggers = [
            tree_changed(
                "unit_tree_changed",
                pgtrigger.Insert
                | pgtrigger.Delete
                | pgtrigger.Truncate
                | pgtrigger.UpdateOf("province_id"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opened_on <= day and (
            self.closed_on is None or day < self.closed_on
        )

    @property
    def is_grassroots(self) -> bool:
        return self.level in GRASSROOTS_LEVELS


class UnitLink(models.Model):
    """A dated parent link: ``child`` sat under ``parent`` during the period."""

    child = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="parent_links"
    )
    parent = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="child_links"
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("quan hệ trực thuộc")
        verbose_name_plural = _("quan hệ trực thuộc")
        constraints = [
            # A unit has one parent at a time.
            ExclusionConstraint(
                name="unitlink_one_parent_at_a_time",
                expressions=[
                    ("child", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_(
                    "Một tổ chức chỉ trực thuộc một tổ chức tại một thời điểm."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="unitlink_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(child=models.F("parent")), name="unitlink_not_own_parent"
            ),
        ]
        indexes = [
            # The recursive subtree query walks parent -> children at a date.
            models.Index(
                fields=["parent", "valid_from", "valid_to"], name="unitlink_walk_idx"
            ),
            models.Index(fields=["child", "valid_from"], name="unitlink_child_idx"),
        ]
        triggers = [tree_changed("link_tree_changed", EVERY_WRITE)]

    def __str__(self) -> str:
        return f"{self.child} → {self.parent} ({self.valid_from}–{self.valid_to or ''})"


class UnitName(models.Model):
    """Names a unit had before a rename; the current name is ``Unit.name``."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField(_("tên"), max_length=200)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"))

    class Meta:
        verbose_name = _("tên cũ")
        verbose_name_plural = _("tên cũ")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    ESTABLISH = "establish", _("Thành lập")
    MERGE = "merge", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia tách")
    RENAME = "rename", _("Đổi tên")
    MOVE = "move", _("Chuyển trực thuộc")
    DISSOLVE = "dissolve", _("Giải thể")
    # One unit becomes another of a different level, e.g. on 1 July 2025 a
    # village cell (chi bộ trực thuộc) became a chi bộ cơ sở under the new
    # commune committee (QĐ 294-QĐ/TW).
    REORGANIZE = "reorganize", _("Tổ chức lại")


class UnitEvent(models.Model):
    """A change of the tree, with the decision behind it and its lineage."""

    kind = models.CharField(_("loại sự kiện"), max_length=16, choices=EventKind.choices)
    date = models.DateField(_("ngày hiệu lực"))
    decision_number = models.CharField(_("số quyết định"), max_length=80)
    note = models.TextField(_("ghi chú"), blank=True)
    predecessors = models.ManyToManyField(
        Unit, related_name="ended_by_events", blank=True, verbose_name=_("đơn vị trước")
    )
    successors = models.ManyToManyField(
        Unit, related_name="started_by_events", blank=True, verbose_name=_("đơn vị sau")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("sự kiện tổ chức")
        verbose_name_plural = _("sự kiện tổ chức")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date} ({self.decision_number})"


# A merger's or split's lineage shapes reaches too (organizations/access.py).
pgtrigger.register(tree_changed("predecessors_tree_changed", EVERY_WRITE))(
    UnitEvent.predecessors.through
)
pgtrigger.register(tree_changed("successors_tree_changed", EVERY_WRITE))(
    UnitEvent.successors.through
)


class ResidentialKind(models.TextChoices):
    VILLAGE = "village", _("Thôn")
    HAMLET = "hamlet", _("Xóm")
    BAN = "ban", _("Bản")
    AP = "ap", _("Ấp")
    RESIDENTIAL_GROUP = "residential_group", _("Tổ dân phố")
    QUARTER = "quarter", _("Khu phố")


class ResidentialUnit(models.Model):
    """A village or residential group: not a cell, but covered by one (DOMAIN.md §2).

    Which cell covers it and who heads it change over time: they are dated
    ``ResidentialCoverage`` rows, read as of 31 December of a report's year.
    """

    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=24, choices=ResidentialKind.choices)
    commune = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="residential_units",
        verbose_name=_("đơn vị cấp xã"),
    )
    opened_on = models.DateField(_("ngày thành lập"))
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thôn, tổ dân phố")
        verbose_name_plural = _("thôn, tổ dân phố")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(closed_on__isnull=True),
                name="residential_code_unique_among_open",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ResidentialCoverage(models.Model):
    """For a period: the cell covering a village (none: "without a cell";
    several villages may share one, chi bộ ghép) and whether its head is a
    party member. Half-open like the tree: ``valid_from <= d < valid_to``."""

    residential_unit = models.ForeignKey(
        ResidentialUnit,
        on_delete=models.CASCADE,
        related_name="coverage",
        verbose_name=_("thôn, tổ dân phố"),
    )
    covering_cell = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covered_periods",
        verbose_name=_("chi bộ phụ trách"),
    )
    head_name = models.CharField(_("trưởng thôn/tổ trưởng"), max_length=200, blank=True)
    head_is_party_member = models.BooleanField(
        _("trưởng thôn là đảng viên"), default=False
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("chi bộ phụ trách thôn theo thời gian")
        verbose_name_plural = _("chi bộ phụ trách thôn theo thời gian")
        ordering = ["residential_unit", "valid_from"]
        constraints = [
            ExclusionConstraint(
                name="residentialcoverage_one_at_a_time",
                expressions=[
                    ("residential_unit", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_(
                    "Thôn đã có thông tin chi bộ phụ trách trong thời gian này."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="residentialcoverage_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["residential_unit", "valid_from"],
                name="residentialcoverage_day_idx",
            ),
            models.Index(fields=["covering_cell"], name="residentialcoverage_cell_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.residential_unit} ({self.valid_from}–{self.valid_to or ''})"


class ResidentialMemberCount(models.Model):
    """Party members living in a village on 31 December of ``year``, as the
    commune reported it: the source of "villages without a party member"
    where members' residences are not recorded (members.Residence)."""

    residential_unit = models.ForeignKey(
        ResidentialUnit,
        on_delete=models.CASCADE,
        related_name="member_counts",
        verbose_name=_("thôn, tổ dân phố"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    party_members = models.PositiveIntegerField(_("số đảng viên cư trú"))

    class Meta:
        verbose_name = _("số đảng viên cư trú theo năm")
        verbose_name_plural = _("số đảng viên cư trú theo năm")
        ordering = ["residential_unit", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["residential_unit", "year"],
                name="residentialmembercount_once_a_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.residential_unit} {self.year}: {self.party_members}"


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị viên")
    OFFICER = "officer", _("Cán bộ Ban Tổ chức / Ban Xây dựng Đảng")
    SECRETARY = "secretary", _("Bí thư tổ chức cơ sở đảng")
    READER = "reader", _("Ủy viên Ban Thường vụ (chỉ xem)")


READ_ONLY_ROLES = (Role.READER,)


class Assignment(models.Model):
    """A user works on a unit's subtree in a role, for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        indexes = [models.Index(fields=["user", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
