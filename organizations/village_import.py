"""Importing villages and residential groups with their dated coverage
(issue #19 §2, ``organizations/village_spreadsheet.py``).

A village is named by its code and opening date, its commune and covering
cell by their codes among the units open on the period's first day; the cell
must lie under the commune. A period on record is the village's period with
the same first day: the file may change its cell, head or end; new periods
must not overlap the village's others. The year's figure of members living
there is kept per village and year. All or nothing, like every import.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.access import is_admin, scope_reach, scope_unit_ids
from organizations.closed_years import closed_message, closed_years
from organizations.models import (
    CELL_LIKE_LEVELS,
    Kind,
    Level,
    ResidentialCoverage,
    ResidentialMemberCount,
    ResidentialUnit,
    Role,
    Unit,
)
from organizations.tree import subtree_ever_ids
from organizations.village_spreadsheet import VILLAGE_SPEC
from partyquality.importing import (
    DUPLICATE_IN_FILE,
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    Importer,
    RowResult,
)

UNKNOWN_COMMUNE = _("Không có đơn vị cấp xã mã “{code}” hoạt động vào ngày {date}.")
UNKNOWN_CELL = _("Không có chi bộ mã “{code}” hoạt động vào ngày {date}.")
CELL_ELSEWHERE = _("Chi bộ “{code}” không thuộc đơn vị cấp xã “{commune}”.")
OUTSIDE_SCOPE = _("Đơn vị “{code}” nằm ngoài phạm vi bạn được cập nhật.")
NOT_LIKE_ROW = _(
    "Khác dòng {other} của cùng thôn (tên, loại, xã, ngày thành lập, kết thúc)."
)
DIFFERS = _("Khác với hồ sơ của thôn ({fields}); sửa trong trang quản trị.")
ENDS_BEFORE_START = _("Ngày kết thúc phải sau ngày bắt đầu.")
OUTSIDE_VILLAGE_LIFE = _("Thời gian phụ trách phải nằm trong thời gian thôn tồn tại.")
PERIOD_OVERLAP = _("Trùng thời gian với giai đoạn phụ trách từ ngày {date}.")
FIGURE_NEEDS_BOTH = _("Cần cả năm số liệu và số đảng viên cư trú.")

# Commune-level units (DOMAIN.md §2): identified by kind, never by a level.
COMMUNE_KINDS = (Kind.COMMUNE, Kind.WARD, Kind.TOWNSHIP, Kind.SPECIAL_ZONE)
COMMUNE_LEVELS = (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL, Level.SUPERIOR)
# Who loads villages: the commune's secretary, the board's officers and
# administrators, under their own units.
VILLAGE_ROLES = (Role.ADMIN, Role.OFFICER, Role.SECRETARY)
FAR = datetime.date.max
VILLAGE_FIELDS = ("name", "kind", "commune_code", "opened_on", "closed_on")
COVERAGE_FIELDS = ("covering_cell_id", "head_name", "head_is_party_member", "valid_to")


def may_import_villages(user: Any) -> bool:
    return is_admin(user) or bool(scope_unit_ids(user, roles=VILLAGE_ROLES))


def _day(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _open_on(units: list[dict[str, Any]], day: datetime.date) -> dict[str, Any] | None:
    for unit in units:
        if unit["opened_on"] <= day < (unit["closed_on"] or FAR):
            return unit
    return None


class VillageImporter(Importer):
    spec = VILLAGE_SPEC

    def allowed(self) -> set[int] | None:
        within = getattr(self.within, "pk", self.within)
        ids = set(subtree_ever_ids([within])) if within else None
        reach = scope_reach(self.user, roles=VILLAGE_ROLES) if self.user else None
        if reach is not None:
            # Today's tree (a closed unit's last day): a unit moved away from
            # the user, or coming under them only later, is out of reach
            # (dated access, issue #16).
            now = reach.now_ids(self.today)
            ids = now if ids is None else ids & now
        return ids

    def check_duplicates(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        periods: dict[Any, RowResult] = {}
        figures: dict[Any, RowResult] = {}
        for row, v in parsed:
            for seen, key, column in (
                (periods, (v["code"], v["valid_from"]), "valid_from"),
                (figures, (v["code"], v["figure_year"]), "figure_year"),
            ):
                if None in key or "" in key:
                    continue
                first = seen.setdefault(key, row)
                if first is not row:
                    row.error(
                        self.column(column),
                        DUPLICATE_IN_FILE.format(other=first.number),
                    )

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        col = self.column
        codes = {
            v[k] for _r, v in parsed for k in ("commune_code", "cell_code") if v[k]
        }
        units: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for u in Unit.objects.filter(code__in=codes).values(
            "id", "code", "level", "kind", "opened_on", "closed_on"
        ):
            units[u["code"]].append(u)
        allowed = self.allowed()
        villages = self._villages_on_record(parsed)
        first_row: dict[Any, tuple[RowResult, dict[str, Any]]] = {}
        under: dict[int, set[int]] = {}
        for row, v in parsed:
            row.label = v["code"] or ""
            v["head_is_member"] = bool(v["head_is_member"])
            start, end = v["valid_from"], v["valid_to"]
            if start and end and end <= start:
                row.error(col("valid_to"), ENDS_BEFORE_START)
            if v["closed_on"] and v["opened_on"] and v["closed_on"] <= v["opened_on"]:
                row.error(col("closed_on"), ENDS_BEFORE_START)
            if (v["figure_year"] is None) != (v["party_members"] is None):
                row.error(col("party_members"), FIGURE_NEEDS_BOTH)
            if (
                start
                and v["opened_on"]
                and (
                    start < v["opened_on"]
                    or (v["closed_on"] and (end is None or end > v["closed_on"]))
                )
            ):
                row.error(col("valid_from"), OUTSIDE_VILLAGE_LIFE)
            key = (v["code"], v["opened_on"])
            first = first_row.setdefault(key, (row, v))
            if first[0] is not row and any(first[1][f] != v[f] for f in VILLAGE_FIELDS):
                row.error(col("code"), NOT_LIKE_ROW.format(other=first[0].number))
            if not start:
                continue
            commune = _open_on(units.get(v["commune_code"], []), start)
            if commune is None or not (
                commune["kind"] in COMMUNE_KINDS and commune["level"] in COMMUNE_LEVELS
            ):
                row.error(
                    col("commune_code"),
                    UNKNOWN_COMMUNE.format(code=v["commune_code"], date=_day(start)),
                )
                continue
            if allowed is not None and commune["id"] not in allowed:
                row.error(
                    col("commune_code"), OUTSIDE_SCOPE.format(code=v["commune_code"])
                )
                continue
            v["_commune_id"] = commune["id"]
            v["covering_cell_id"] = None
            if v["cell_code"]:
                cell = _open_on(units.get(v["cell_code"], []), start)
                if cell is None or cell["level"] not in CELL_LIKE_LEVELS:
                    row.error(
                        col("cell_code"),
                        UNKNOWN_CELL.format(code=v["cell_code"], date=_day(start)),
                    )
                    continue
                if commune["id"] not in under:
                    under[commune["id"]] = set(subtree_ever_ids([commune["id"]]))
                if cell["id"] not in under[commune["id"]]:
                    row.error(
                        col("cell_code"),
                        CELL_ELSEWHERE.format(
                            code=v["cell_code"], commune=v["commune_code"]
                        ),
                    )
                    continue
                v["covering_cell_id"] = cell["id"]
            v["_village"] = villages.get(key)
        self.progress("check", len(parsed) // 2, len(parsed))
        self._check_periods(parsed)
        for row, v in parsed:
            if row.outcome != ERROR:
                self._outcome(row, v)
        self._refuse_closed_years(parsed)

    def _refuse_closed_years(
        self, parsed: list[tuple[RowResult, dict[str, Any]]]
    ) -> None:
        """A village's coverage changed from a day on (a new period, another
        cell, head or end, its closing) changes the coverage figures of that
        year and the later ones, a year's figure of members living there that
        year's: refused where such a year of the commune is submitted or
        approved (organizations/closed_years.py, issue #16), and the whole
        file with it."""
        dated: list[tuple[RowResult, list[int], datetime.date, str, bool]] = []
        for row, v in parsed:
            if row.outcome not in (NEW, UPDATED):
                continue
            period = v.get("_period")
            units = [v["_commune_id"], v["covering_cell_id"]]
            if period is not None:
                units.append(period.covering_cell_id)
            units = [u for u in units if u is not None]
            changes = set(row.changes) if row.outcome == UPDATED else {"period"}
            village = v.get("_village")
            if "closed_on" in changes and village is not None:
                ends = [d for d in (v["closed_on"], village["closed_on"]) if d]
                if ends:
                    dated.append((row, units, min(ends), "closed_on", False))
            if "period" in changes or changes & set(COVERAGE_FIELDS) - {"valid_to"}:
                dated.append((row, units, v["valid_from"], "valid_from", False))
            elif "valid_to" in changes and period is not None:
                ends = [d for d in (v["valid_to"], period.valid_to) if d]
                dated.append((row, units, min(ends), "valid_to", False))
            if "figure" in changes and v["figure_year"] is not None:
                day = datetime.date(v["figure_year"], 12, 31)
                dated.append((row, units, day, "figure_year", True))
        if not dated:
            return
        since = min(day.year for _r, _u, day, _c, _o in dated)
        closed = closed_years(
            {u for _r, units, *_ in dated for u in units}, since=since
        )
        for row, units, day, column, only_that_year in dated:
            years = [
                c
                for unit in units
                for c in closed.get(unit, [])
                if c.year == day.year or (c.year > day.year and not only_that_year)
            ]
            if years:
                first = min(years, key=lambda c: c.year)
                row.error(self.column(column), closed_message(first, day))

    def _villages_on_record(
        self, parsed: list[tuple[RowResult, dict[str, Any]]]
    ) -> dict[tuple[str, datetime.date], dict[str, Any]]:
        """The villages the file names, with their periods and figures."""
        codes = {v["code"] for _r, v in parsed if v["code"]}
        found: dict[tuple[str, datetime.date], dict[str, Any]] = {}
        by_id: dict[int, dict[str, Any]] = {}
        for r in ResidentialUnit.objects.filter(code__in=codes).values(
            "id", "code", "name", "kind", "commune__code", "opened_on", "closed_on"
        ):
            r["commune_code"] = r.pop("commune__code")
            r["periods"], r["figures"] = {}, {}
            found[(r["code"], r["opened_on"])] = by_id[r["id"]] = r
        for c in ResidentialCoverage.objects.filter(residential_unit_id__in=by_id):
            by_id[c.residential_unit_id]["periods"][c.valid_from] = c
        for f in ResidentialMemberCount.objects.filter(residential_unit_id__in=by_id):
            by_id[f.residential_unit_id]["figures"][f.year] = f
        return found

    def _check_periods(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        """A village's periods, in the file and on record, do not overlap."""
        by_village: dict[Any, list[tuple[RowResult, dict[str, Any]]]] = defaultdict(
            list
        )
        for row, v in parsed:
            if v["valid_from"] and row.outcome != ERROR:
                by_village[(v["code"], v["opened_on"])].append((row, v))
        for rows in by_village.values():
            village = rows[0][1].get("_village")
            spans = {v["valid_from"]: v["valid_to"] for _r, v in rows}
            if village is not None:
                for start, period in village["periods"].items():
                    spans.setdefault(start, period.valid_to)
            for row, v in rows:
                for start, end in spans.items():
                    if start != v["valid_from"] and (
                        start < (v["valid_to"] or FAR)
                        and v["valid_from"] < (end or FAR)
                    ):
                        row.error(
                            self.column("valid_from"),
                            PERIOD_OVERLAP.format(date=_day(start)),
                        )
                        break

    def _outcome(self, row: RowResult, v: dict[str, Any]) -> None:
        village = v.get("_village")
        if village is None:
            row.outcome = NEW
            return
        differ = [
            str(self.column(f).header)
            for f in ("name", "kind", "commune_code")
            if village[f] != v[f]
        ]
        if differ:
            row.error(self.column("code"), DIFFERS.format(fields=", ".join(differ)))
            return
        wanted = {
            "covering_cell_id": v["covering_cell_id"],
            "head_name": v["head_name"],
            "head_is_party_member": v["head_is_member"],
            "valid_to": v["valid_to"],
        }
        period = village["periods"].get(v["valid_from"])
        figure = village["figures"].get(v["figure_year"])
        changes = []
        if village["closed_on"] != v["closed_on"]:
            changes.append("closed_on")
        if period is None:
            changes.append("period")
        else:
            changes += [f for f in COVERAGE_FIELDS if getattr(period, f) != wanted[f]]
        if v["figure_year"] is not None and (
            figure is None or figure.party_members != v["party_members"]
        ):
            changes.append("figure")
        v["_wanted"], v["_period"], v["_figure"] = wanted, period, figure
        row.changes = changes
        row.outcome = UPDATED if changes else UNCHANGED

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        created: dict[Any, ResidentialUnit] = {}
        for _r, v in parsed:
            key = (v["code"], v["opened_on"])
            if v.get("_village") is None and key not in created:
                created[key] = ResidentialUnit(
                    code=v["code"],
                    name=v["name"],
                    kind=v["kind"],
                    commune_id=v["_commune_id"],
                    opened_on=v["opened_on"],
                    closed_on=v["closed_on"],
                )
        ResidentialUnit.objects.bulk_create(created.values(), batch_size=2000)
        new_periods, new_figures = [], []
        for row, v in parsed:
            if row.outcome == UNCHANGED:
                continue
            key = (v["code"], v["opened_on"])
            village_id = created[key].pk if key in created else v["_village"]["id"]
            if key not in created and "closed_on" in row.changes:
                ResidentialUnit.objects.filter(pk=village_id).update(
                    closed_on=v["closed_on"]
                )
            wanted = v.get("_wanted") or {
                "covering_cell_id": v["covering_cell_id"],
                "head_name": v["head_name"],
                "head_is_party_member": v["head_is_member"],
                "valid_to": v["valid_to"],
            }
            period = v.get("_period")
            if period is None:
                new_periods.append(
                    ResidentialCoverage(
                        residential_unit_id=village_id,
                        valid_from=v["valid_from"],
                        **wanted,
                    )
                )
            elif any(getattr(period, f) != wanted[f] for f in COVERAGE_FIELDS):
                ResidentialCoverage.objects.filter(pk=period.pk).update(**wanted)
            if v["figure_year"] is not None:
                figure = v.get("_figure")
                if figure is None:
                    new_figures.append(
                        ResidentialMemberCount(
                            residential_unit_id=village_id,
                            year=v["figure_year"],
                            party_members=v["party_members"],
                        )
                    )
                elif figure.party_members != v["party_members"]:
                    ResidentialMemberCount.objects.filter(Q(pk=figure.pk)).update(
                        party_members=v["party_members"]
                    )
        ResidentialCoverage.objects.bulk_create(new_periods, batch_size=2000)
        ResidentialMemberCount.objects.bulk_create(new_figures, batch_size=2000)
