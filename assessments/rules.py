"""Rules checked on entry and the QĐ 366 score → level suggestion.

Everything here is pure: it takes the year's data (a ``ReviewSheet`` built by
assessments/selectors.py) and returns problems; the rules and their messages
are rows of ``ClassificationRule`` (fixtures/review_rules.json).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from assessments.models import RuleKind, Scale, ScaleLevel

if TYPE_CHECKING:
    from assessments.selectors import ReviewSheet

RULES_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "review_rules.json"

# QĐ 366-QĐ/TW (2025): "excellent" (≥ 90 points) also needs every task done
# and at least 30% of them exceeded; a disqualifying condition gives the
# lowest level whatever the score.
CONDITION_TASKS_ALL_DONE = "tasks_all_done"
CONDITION_TASKS_EXCEEDED = "tasks_exceeded"
CONDITION_DISQUALIFIED = "disqualified"

SCORE_ABOVE_SUGGESTED = (
    "{name}: mức “{level}” cao hơn mức gợi ý theo điểm ({score} điểm → “{suggested}”)."
)


def suggest_level(
    scale: Scale,
    score: Decimal | float | int | None,
    conditions: Mapping[str, Any] | None = None,
    *,
    levels: Iterable[ScaleLevel] | None = None,
) -> ScaleLevel | None:
    """The level a score suggests on a scored scale, lowered by the conditions.

    Thresholds are the levels' ``min_score`` (90/70/50/0 in the shipped
    QĐ 366 scales). ``conditions`` None means "not stated": only the score
    counts; a mapping is read strictly (a missing condition is not met).
    """
    if score is None or not scale.uses_score:
        return None
    ordered = sorted(
        levels if levels is not None else scale.levels.all(), key=lambda lv: lv.order
    )
    value = Decimal(str(score))
    if conditions is not None and conditions.get(CONDITION_DISQUALIFIED):
        return ordered[-1]
    for index, level in enumerate(ordered):
        if level.min_score is None or value < level.min_score:
            continue
        if (
            index == 0
            and conditions is not None
            and not (
                conditions.get(CONDITION_TASKS_ALL_DONE)
                and conditions.get(CONDITION_TASKS_EXCEEDED)
            )
        ):
            return ordered[1] if len(ordered) > 1 else level
        return level
    return ordered[-1]


@dataclass(frozen=True)
class Problem:
    """A broken rule: the message the secretary reads, and the row it concerns."""

    kind: str
    message: str
    row: str = ""  # "unit-<id>" / "person-<id>", empty for the whole organization


def _fmt(template: str, **values: object) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def check_sheet(sheet: ReviewSheet) -> list[Problem]:
    """Every broken rule of an organization's year, in page order."""
    problems: list[Problem] = []
    member_rules = {r.kind: r for r in sheet.member_rules}
    org_rules = {r.kind: r for r in sheet.org_rules}

    # Scored scales: the chosen level may not be above the one the score suggests.
    for row in [*sheet.unit_rows, *sheet.member_rows]:
        c = row.classification
        if c is None or c.score is None:
            continue
        suggested = row.suggested
        if suggested is not None and c.level.order < suggested.order:
            problems.append(
                Problem(
                    "score",
                    _fmt(
                        _(SCORE_ABOVE_SUGGESTED),
                        name=row.name,
                        level=c.level.label,
                        score=c.score,
                        suggested=suggested.label,
                    ),
                    row.key,
                )
            )

    cap = member_rules.get(RuleKind.DISCIPLINED_CAP)
    if cap is not None:
        max_level = sheet.member_level(cap.level_code)
        for row in sheet.member_rows:
            c = row.classification
            if (
                c is not None
                and max_level is not None
                and row.disciplined
                and c.level.order < max_level.order
            ):
                problems.append(
                    Problem(
                        cap.kind,
                        _fmt(
                            cap.message,
                            name=row.name,
                            level=c.level.label,
                            max_level=max_level.label,
                        ),
                        row.key,
                    )
                )

    quota = member_rules.get(RuleKind.EXCELLENT_QUOTA)
    if quota is not None and quota.share is not None:
        # HD 21-HD/BTCTW (2019): "excellent" ≤ 20% of "good" per grassroots
        # organization — counted against those rated good, as the guidance says.
        codes = [
            row.classification.level.code
            for row in sheet.member_rows
            if row.classification
        ]
        excellent = codes.count(quota.level_code)
        good = codes.count(quota.reference_code)
        allowed = int(quota.share * good)
        if excellent > quota.share * good:
            problems.append(
                Problem(
                    quota.kind,
                    _fmt(
                        quota.message,
                        organization=sheet.organization.name,
                        excellent=excellent,
                        good=good,
                        allowed=allowed,
                        share=f"{(quota.share * 100).normalize():f}",
                    ),
                )
            )

    org_rule = org_rules.get(RuleKind.EXCELLENT_ORG_NO_DISCIPLINE)
    if org_rule is not None:
        for row in sheet.unit_rows:
            c = row.classification
            if c is None or c.level.code != org_rule.level_code:
                continue
            names = sheet.disciplined_under(row.unit_id)
            if names:
                problems.append(
                    Problem(
                        org_rule.kind,
                        _fmt(
                            org_rule.message,
                            organization=row.name,
                            disciplined=", ".join(names),
                        ),
                        row.key,
                    )
                )
    return problems


def load_rules(scale_model: Any, rule_model: Any) -> int:
    """Create or update the shipped rules; takes models so migrations can call it."""
    data = json.loads(RULES_FIXTURE.read_text(encoding="utf-8"))
    count = 0
    for entry in data["rules"]:
        scale = scale_model.objects.filter(code=entry["scale"]).first()
        if scale is None:
            continue
        rule_model.objects.update_or_create(
            scale=scale,
            kind=entry["kind"],
            defaults={
                "share": Decimal(entry["share"]) if entry.get("share") else None,
                "level_code": entry["level_code"],
                "reference_code": entry.get("reference_code", ""),
                "message": entry["message"],
                "regulation": entry.get("regulation", ""),
            },
        )
        count += 1
    return count
