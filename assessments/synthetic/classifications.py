# ruff: noqa: S608, S311 — SQL is built from our own constants and numbers, never
# from input; the random generator draws test data, not secrets.
"""The yearly classifications of units and members, and the units' reviews."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from assessments.synthetic.sql import _copy, _sql_array, uniform_draw
from members.bulk_load import Statement


class ClassificationDrawing:
    """Part of ``Generator``: the classifications of 2024 and 2025."""

    seed: int
    person0: int
    grassroots_ids: list[int]
    cell_ids: list[int]

    def say(self, message: str) -> None:
        raise NotImplementedError

    def _classifications(self, cursor: Any) -> list[Statement]:
        """Load the units' classifications; return the statements that load
        the members' from ``syn_m``."""
        from assessments.scales import scale_for

        steps: list[Statement] = []
        for year, draw in ((2024, "r_c24"), (2025, "r_c25")):
            year_end = datetime.date(year, 12, 31)
            member_scale = scale_for("member", year)
            org_scale = scale_for("organization", year)
            if member_scale is None or org_scale is None:
                self.say(f"no scale for {year}: classifications skipped")
                continue
            levels, scores = self._levels(member_scale)
            steps.append(
                Statement(
                    "assessments_memberclassification",
                    f"member classifications {year}",
                    f"""
                INSERT INTO assessments_memberclassification (person_id, year, cell_id,
                  level_id, score, remarks, conditions, updated_at)
                SELECT {self.person0} + seq, {year},
                  CASE WHEN transfer_on > DATE '{year_end}' THEN prev_cell_id ELSE cell_id END,
                  ({_sql_array(levels)})[{self._tier(draw)}],
                  {self._score(scores, draw)}, '', '{{}}'::jsonb, now()
                FROM syn_m
                WHERE admitted <= DATE '{year_end}'
                  AND (ended IS NULL OR ended > DATE '{year_end}')
                """,
                    cost=6,
                )
            )
            levels, scores = self._levels(org_scale)
            rnd = random.Random(self.seed * 1000 + year)
            grassroots = set(self.grassroots_ids)
            units = self.grassroots_ids + [
                c for c in self.cell_ids if c not in grassroots
            ]
            now = timezone.now()
            rows = []
            for unit_id in units:
                x = rnd.random()
                tier = 0 if x < 0.7 else 1 if x < 0.9 else 2 if x < 0.99 else 3
                low, high = scores[tier] if scores else (None, None)
                score = None if low is None else round(rnd.uniform(low, high), 2)
                rows.append((unit_id, year, levels[tier], score, "", "{}", now))
            _copy(
                cursor,
                "assessments_unitclassification",
                [
                    "unit_id",
                    "year",
                    "level_id",
                    "score",
                    "remarks",
                    "conditions",
                    "updated_at",
                ],
                rows,
            )
            self.say(f"unit classifications {year}: {len(rows)}")
            # The year's reviews: approved, but for one organization in twenty
            # still submitted in 2025, so that official and "tạm tính"
            # figures differ. Their snapshots are written by
            # ``manage.py rebuild_snapshots`` (assessments/snapshots.py).
            reviews = [
                (
                    unit_id,
                    year,
                    "approved" if year < 2025 or rnd.random() >= 0.05 else "submitted",
                    "",
                    now,
                )
                for unit_id in self.grassroots_ids
            ]
            _copy(
                cursor,
                "assessments_organizationreview",
                ["organization_id", "year", "state", "return_reason", "updated_at"],
                reviews,
            )
            self.say(f"reviews {year}: {len(reviews)}")
        return steps

    @staticmethod
    def _levels(scale: Any) -> tuple[list[int], list[tuple[float, float]] | None]:
        levels = list(scale.levels.order_by("order"))
        ids = [lv.pk for lv in levels][:4]
        while len(ids) < 4:
            ids.append(ids[-1])
        if not scale.uses_score:
            return ids, None
        bounds, upper = [], 100.0
        for lv in levels[:4]:
            low = float(lv.min_score or 0)
            bounds.append((low, max(low, upper - 0.01)))
            upper = low
        while len(bounds) < 4:
            bounds.append(bounds[-1])
        return ids, bounds

    @staticmethod
    def _tier(draw: str) -> str:
        return (
            f"(CASE WHEN {draw} < 0.7 THEN 1 WHEN {draw} < 0.9 THEN 2 "
            f"WHEN {draw} < 0.99 THEN 3 ELSE 4 END)"
        )

    def _score(self, scores: list[tuple[float, float]] | None, draw: str) -> str:
        if not scores:
            return "NULL"
        lows = _sql_array([s[0] for s in scores])
        spans = _sql_array([round(s[1] - s[0], 2) for s in scores])
        tier = self._tier(draw)
        return f"round(({lows})[{tier}] + ({spans})[{tier}] * {uniform_draw(self.seed, 20)}::numeric, 2)"
