# from input; the random generator draws test data, not secrets.
"""The tree: provinces, commune-level committees, grassroots organizations and
their cells, drawn in Python and loaded with ``COPY``."""

from __future__ import annotations

import random
from typing import Any

from assessments.synthetic.sizes import GRASSROOTS_CELL_SHARE, OPENED, ScaleSize
from assessments.synthetic.sql import Summary, _copy, _reserve
from assessments.synthetic.words import CELL_KINDS, GRASSROOTS_KINDS
from organizations.models import Kind, Level, Unit, UnitLink


class TreeDrawing:
    """Part of ``Generator``: draws and loads the tree."""

    random: random.Random
    size: ScaleSize
    unit0: int
    grassroots_ids: list[int]
    cell_ids: list[int]

    def say(self, message: str) -> None:
        raise NotImplementedError

    def _tree(self, cursor: Any, summary: Summary) -> list[tuple[Any, ...]]:
        rnd, size, prefix = self.random, self.size, f"SYN{summary.run}"
        # (code, name, level, kind, difficult, province index or None)
        units: list[tuple[Any, ...]] = []
        links: list[tuple[int, int]] = []  # indexes into units
        cells: list[tuple[int, int, int]] = []  # (unit index, superior index, members)
        grassroots: list[int] = []

        def add(code: str, name: str, level: str, kind: str, parent: int | None) -> int:
            # The province of a unit is its parent's (Unit.province).
            province = None if parent is None else units[parent][5]
            province = parent if province is None else province
            units.append((code, name, level, kind, False, province))
            if parent is not None:
                links.append((len(units) - 1, parent))
            return len(units) - 1

        def around(mean: float) -> int:
            return max(1, round(mean * rnd.uniform(0.5, 1.5)))

        for p in range(1, size.provinces + 1):
            province = add(
                f"{prefix}-P{p}",
                f"Đảng bộ tỉnh Tổng hợp {summary.run}.{p}",
                Level.PROVINCE,
                Kind.PROVINCE,
                None,
            )
            for s in range(1, size.superiors + 1):
                sup_code = f"{prefix}-P{p}-X{s}"
                superior = add(
                    sup_code,
                    f"Đảng ủy xã Tổng hợp {p}.{s}",
                    Level.SUPERIOR,
                    Kind.COMMUNE,
                    province,
                )
                for g in range(1, around(size.grassroots) + 1):
                    kind, label = rnd.choice(GRASSROOTS_KINDS)
                    g_code = f"{sup_code}-G{g}"
                    if rnd.random() < GRASSROOTS_CELL_SHARE:
                        unit = add(
                            g_code,
                            f"Chi bộ cơ sở {label.split(' ', 2)[-1]} {p}.{s}.{g}",
                            Level.GRASSROOTS_CELL,
                            kind,
                            superior,
                        )
                        grassroots.append(unit)
                        cells.append((unit, superior, around(size.members * 1.5)))
                        continue
                    unit = add(
                        g_code,
                        f"{label} Tổng hợp {p}.{s}.{g}",
                        Level.GRASSROOTS_COMMITTEE,
                        kind,
                        superior,
                    )
                    grassroots.append(unit)
                    for c in range(1, around(size.cells) + 1):
                        c_kind, c_label = rnd.choice(CELL_KINDS)
                        cell = add(
                            f"{g_code}-C{c}",
                            f"{c_label} {c} ({p}.{s}.{g})",
                            Level.CELL,
                            c_kind,
                            unit,
                        )
                        cells.append((cell, superior, around(size.members)))
        first = _reserve(cursor, Unit._meta.db_table, len(units))
        self.unit0 = first
        _copy(
            cursor,
            Unit._meta.db_table,
            [
                "id",
                *("code", "name", "level", "kind", "opened_on", "is_difficult_area"),
                "province_id",
            ],
            (
                (first + i, code, name, level, kind, OPENED, difficult, first + top)
                for i, (code, name, level, kind, difficult, province) in enumerate(
                    units
                )
                for top in [i if province is None else province]
            ),
        )
        _copy(
            cursor,
            UnitLink._meta.db_table,
            ["child_id", "parent_id", "valid_from"],
            ((first + c, first + p, OPENED) for c, p in links),
        )
        summary.units = len(units)
        summary.cells = len(cells)
        summary.members = sum(n for _c, _s, n in cells)
        self.grassroots_ids = [first + g for g in grassroots]
        self.cell_ids = [first + c for c, _s, _n in cells]
        self.say(
            f"tree: {len(units)} units, {len(grassroots)} grassroots, {len(cells)} cells"
        )
        rows, seq = [], 0
        for i, (cell, superior, n) in enumerate(cells):
            prev = cells[(i * 7 + 3) % len(cells)][0] if len(cells) > 1 else cell
            if prev == cell:
                prev = cells[(i + 1) % len(cells)][0]
            rows.append((first + cell, first + superior, first + prev, n, seq))
            seq += n
        return rows
