# ruff: noqa: S608 — the SQL is built from the dimensions' own codes, never from input.
"""Keeping ``HighestLevels``, the row of each person's highest completed
level per dimension (members/cadre_models.py), in step with their
qualifications. Every writer of qualifications calls ``refresh`` with the
people it touched, in the same transaction: the services
(career_services.py), the import (import_positions.py), the demo data
(demo.py) and the synthetic generator (``fill_sql``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from members.qualifications import Dimension

TABLE = "members_highestlevels"
COLUMNS = [*Dimension.values, "studying"]


def select_sql(where: str = "") -> str:
    """One row per person with qualifications: the level of their highest
    completed qualification in each dimension (greatest rank, then latest
    year, then last recorded) and whether one of them is being studied.

    The inner query keeps, per person, dimension and status, the first row
    in that order (``DISTINCT ON``, one sort of the table): the highest
    completed one, and a studying one with no level. The outer one folds
    them into the person's row. (An ``array_agg(… ORDER BY …)`` per
    dimension reads the same but sorts each person's rows six times: 2.7×
    slower on a province's 580,000 qualifications.)"""
    highest = ",\n".join(
        f"  max(level) FILTER (WHERE dimension = '{dimension}')"
        for dimension in Dimension.values
    )
    source = f"members_qualification {where}".rstrip()
    return f"""SELECT person_id,
{highest},
  bool_or(studying)
FROM (
  SELECT DISTINCT ON (person_id, dimension, status) person_id, dimension,
    CASE WHEN status = 'completed' THEN level END AS level,
    status = 'studying' AS studying
  FROM {source}
  ORDER BY person_id, dimension, status, rank DESC, year DESC NULLS LAST, id DESC
) best
GROUP BY person_id"""


def fill_sql(where: str = "") -> str:
    """``INSERT … SELECT`` of the rows of the people ``where`` selects among
    the qualifications (all of them without it)."""
    return f"INSERT INTO {TABLE} (person_id, {', '.join(COLUMNS)})\n{select_sql(where)}"


def refresh(person_ids: Iterable[int]) -> None:
    """Write the rows of these people again from their qualifications.

    The people's rows are locked first, so two transactions changing one
    person's qualifications write the row one after the other, the second
    from what the first committed."""
    ids = sorted(set(person_ids))
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM members_person WHERE id = ANY(%s) ORDER BY id "
            "FOR NO KEY UPDATE",
            [ids],
        )
        cursor.execute(f"DELETE FROM {TABLE} WHERE person_id = ANY(%s)", [ids])
        cursor.execute(fill_sql("WHERE person_id = ANY(%s)"), [ids])
