# ruff: noqa: S608 — SQL is built from our own constants and numbers, never
# from input; the random generator draws test data, not secrets.
"""The people: drawn by PostgreSQL from the tree into ``syn_m``, then loaded
into the people tables by ``INSERT … SELECT`` statements."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from assessments.synthetic.sizes import OPENED, ScaleSize
from assessments.synthetic.sql import (
    Summary,
    _copy,
    _reserve,
    _sql_array,
    uniform_draw,
)
from assessments.synthetic.words import (
    GIVEN_F,
    GIVEN_M,
    MIDDLE_F,
    MIDDLE_M,
    MINORITIES,
    PLACES,
    POSITIONS,
    RELIGIONS,
    SURNAMES,
)
from members.bulk_load import Statement
from members.models import Membership, Person, Position


class PeopleDrawing:
    """Part of ``Generator``: draws the members and loads the people tables."""

    seed: int
    size: ScaleSize
    today: datetime.date
    person0: int
    member0: int

    def say(self, message: str) -> None:
        raise NotImplementedError

    def _r(self, k: int) -> str:
        return uniform_draw(self.seed, k)

    def _members(
        self,
        cursor: Any,
        summary: Summary,
        cells: list[tuple[Any, ...]],
        *,
        shared: bool,
    ) -> list[Statement]:
        """Draw the members into ``syn_m`` and return the statements that load
        the people tables from it. ``shared``: the statements will run on
        other connections, so ``syn_m`` is a table of its own (unlogged:
        it is dropped after the load), not a temporary one."""
        n = summary.members
        staged = "UNLOGGED TABLE" if shared else "TEMP TABLE"
        until = "" if shared else "ON COMMIT DROP"
        cursor.execute("DROP TABLE IF EXISTS syn_cell, syn_m")
        cursor.execute(
            f"CREATE {staged} syn_cell (cell_id bigint, superior_id bigint, "
            f"prev_cell_id bigint, n int, first_seq bigint) {until}"
        )
        _copy(
            cursor,
            "syn_cell",
            ["cell_id", "superior_id", "prev_cell_id", "n", "first_seq"],
            cells,
        )
        self.say("cells staged")
        r = self._r
        today = self.today.isoformat()
        opened = OPENED.isoformat()
        nid_prefix = f"9{summary.run % 100:02d}"
        cursor.execute(
            f"""
            CREATE {staged} syn_m {until} AS
            SELECT b.*,
              CASE WHEN b.left_kind IS NOT NULL THEN b.left_kind
                   WHEN b.full_on IS NOT NULL THEN 'full' ELSE 'probationary' END AS status
            FROM (
              SELECT a.*,
                CASE WHEN a.admitted + 365 <= DATE '{today}'
                      AND (a.ended IS NULL OR a.admitted + 365 < a.ended)
                     THEN a.admitted + 365 END AS full_on,
                CASE WHEN a.left_kind IS NULL AND a.r_transfer < 0.06
                      AND a.g < DATE '{today}' - 400
                     THEN a.g + 1 + ((DATE '{today}' - a.g - 2)
                          * (0.3 + 0.6 * a.r_when))::int END AS transfer_on
              FROM (
                SELECT z.*, GREATEST(z.admitted, DATE '{opened}') AS g,
                  CASE WHEN z.left_kind IS NOT NULL
                       THEN GREATEST(z.admitted, DATE '{opened}') + 1
                            + ((DATE '{today}' - GREATEST(z.admitted, DATE '{opened}') - 2)
                            * z.r_when)::int END AS ended
                FROM (
                  SELECT y.*,
                    LEAST((y.dob + make_interval(years => 18)
                      + make_interval(days => (y.r_adm * GREATEST(y.age - 18.2, 0.1) * 365)::int))::date,
                      DATE '{today}' - 30) AS admitted
                  FROM (
                    SELECT q.*,
                      (DATE '{today}' - make_interval(years => q.age)
                        - make_interval(days => (q.r_dob * 364)::int))::date AS dob
                    FROM (
                      SELECT s.seq, c.cell_id, c.superior_id, c.prev_cell_id,
                        CASE WHEN {r(1)} < 0.33 THEN 'F' ELSE 'M' END AS gender,
                        19 + floor(66 * power({r(2)}, 1.3))::int AS age,
                        {r(3)} AS r_dob, {r(4)} AS r_adm, {r(5)} AS r_eth, {r(6)} AS r_rel,
                        {r(7)} AS r_transfer, {r(8)} AS r_when, {r(9)} AS r_name,
                        {r(10)} AS r_given, {r(11)} AS r_cadre, {r(12)} AS r_q,
                        {r(13)} AS r_c24, {r(14)} AS r_c25, {r(15)} AS r_nid,
                        {r(18)} AS r_prof,
                        CASE WHEN {r(16)} < 0.015 THEN
                          (ARRAY['deceased','deceased','struck_off','resigned','expelled'])
                          [1 + floor({r(17)} * 5)::int] END AS left_kind
                      FROM syn_cell c,
                        LATERAL generate_series(c.first_seq, c.first_seq + c.n - 1) AS s(seq)
                      OFFSET 0  -- keep the planner from inlining (expressions would multiply)
                    ) q
                    OFFSET 0  -- keep the planner from inlining (expressions would multiply)
                  ) y
                  OFFSET 0  -- keep the planner from inlining (expressions would multiply)
                ) z
                OFFSET 0  -- keep the planner from inlining (expressions would multiply)
              ) a
            ) b
            """
        )
        self.say(f"drew {n} members")
        minorities, religions = _sql_array(MINORITIES), _sql_array(RELIGIONS)
        places = _sql_array(PLACES)
        person0 = _reserve(cursor, Person._meta.db_table, n)
        member0 = _reserve(cursor, Membership._meta.db_table, n)

        def pick(array: str, length: int, draw: str) -> str:
            return f"({array})[1 + floor({draw} * {length})::int]"

        def name(words: Callable[[list[str]], str]) -> str:
            """The name drawn for a member, from the word lists as ``words``
            gives them."""
            return f"""
              {pick(words(SURNAMES), len(SURNAMES), "r_name")} || ' ' ||
              CASE WHEN gender = 'F' THEN {pick(words(MIDDLE_F), len(MIDDLE_F), "r_given")}
                   ELSE {pick(words(MIDDLE_M), len(MIDDLE_M), "r_given")} END || ' ' ||
              CASE WHEN gender = 'F' THEN {pick(words(GIVEN_F), len(GIVEN_F), "r_dob")}
                   ELSE {pick(words(GIVEN_M), len(GIVEN_M), "r_dob")} END"""

        steps: list[Statement] = []
        full_name = name(_sql_array)
        ethnicity = f"""CASE WHEN r_eth < 0.86 THEN '01'
              ELSE {pick(minorities, len(MINORITIES), "(r_eth - 0.86) / 0.14")} END"""
        steps.append(
            Statement(
                "members_person",
                "persons",
                f"""
            INSERT INTO members_person (id, full_name, gender, date_of_birth, ethnicity,
              religion, home_village, national_id, created_at, updated_at)
            SELECT {person0} + seq, {full_name},
              gender, dob, {ethnicity},
              CASE WHEN r_rel < 0.9 THEN '' ELSE {pick(religions, len(RELIGIONS), "(r_rel - 0.9) * 10")} END,
              {pick(places, len(PLACES), "r_q")},
              CASE WHEN r_nid < 0.9 THEN '{nid_prefix}' || lpad(seq::text, 9, '0') END,
              now(), now()
            FROM syn_m
            """,
                cost=10,
            )
        )
        steps.append(
            Statement(
                "members_membership",
                "memberships",
                f"""
            INSERT INTO members_membership (id, person_id, card_number, admitted_on,
              full_member_on, ended_on, status, current_cell_id, province_id)
            SELECT {member0} + seq, {person0} + seq, '9{summary.run:02d}.' || lpad(seq::text, 8, '0'),
              admitted, full_on, ended, status, cell_id,
              -- The province the trigger would copy (triggers are off for big loads).
              u.province_id
            FROM syn_m JOIN organizations_unit u ON u.id = cell_id
            """,
                cost=7,
            )
        )
        steps.append(
            Statement(
                "members_cellperiod",
                "cell periods",
                f"""
            INSERT INTO members_cellperiod (membership_id, cell_id, valid_from, valid_to,
              is_temporary)
            SELECT {member0} + seq, prev_cell_id, GREATEST(admitted, DATE '{OPENED}'),
              transfer_on, false
            FROM syn_m WHERE transfer_on IS NOT NULL
            UNION ALL
            SELECT {member0} + seq, cell_id,
              GREATEST(COALESCE(transfer_on, admitted), DATE '{OPENED}'),
              CASE WHEN ended > GREATEST(COALESCE(transfer_on, admitted), DATE '{OPENED}')
                   THEN ended END,
              false
            FROM syn_m
            """,
                cost=3,
            )
        )
        steps.append(
            Statement(
                "members_memberevent",
                "member events",
                f"""
            INSERT INTO members_memberevent (membership_id, kind, date, decision_number,
              from_cell_id, to_cell_id, note, created_at)
            SELECT {member0} + seq, 'admission', admitted, '', NULL::bigint,
              CASE WHEN transfer_on IS NULL THEN cell_id ELSE prev_cell_id END, '', now()
            FROM syn_m
            UNION ALL
            SELECT {member0} + seq, 'full_member', full_on, '', NULL::bigint, NULL::bigint,
              '', now()
            FROM syn_m WHERE full_on IS NOT NULL
            UNION ALL
            SELECT {member0} + seq, 'transfer_official', transfer_on, '', prev_cell_id,
              cell_id, '', now()
            FROM syn_m WHERE transfer_on IS NOT NULL
            UNION ALL
            SELECT {member0} + seq,
              CASE left_kind WHEN 'deceased' THEN 'death' WHEN 'resigned' THEN 'resignation'
                WHEN 'expelled' THEN 'expulsion' ELSE 'struck_off' END,
              ended, '', cell_id, NULL::bigint, '', now()
            FROM syn_m WHERE left_kind IS NOT NULL
            """,
                cost=5,
            )
        )
        # General education for everyone, professional for some; cadres get the lot.
        cadre = f"(r_cadre < {self.size.cadre_share} AND left_kind IS NULL)"
        steps.append(
            Statement(
                "members_qualification",
                "qualifications",
                f"""
            INSERT INTO members_qualification (person_id, dimension, level, rank, status,
              expected_year, field, institution, year)
            SELECT {person0} + seq, 'general',
              CASE WHEN r_q < 0.75 OR {cadre} THEN 'upper_secondary'
                   WHEN r_q < 0.95 THEN 'lower_secondary' ELSE 'primary' END,
              CASE WHEN r_q < 0.75 OR {cadre} THEN 3 WHEN r_q < 0.95 THEN 2 ELSE 1 END,
              'completed', NULL::int, '', '', NULL::int
            FROM syn_m
            UNION ALL
            SELECT {person0} + seq, 'professional',
              -- A draw of its own: with the middle name's, every master's
              -- degree went to a "Văn" or a "Thị".
              CASE WHEN r_prof < 0.05 THEN 'master' WHEN r_prof < 0.65 THEN 'university'
                   WHEN r_prof < 0.8 THEN 'college' ELSE 'intermediate' END,
              CASE WHEN r_prof < 0.05 THEN 5 WHEN r_prof < 0.65 THEN 4
                   WHEN r_prof < 0.8 THEN 3 ELSE 2 END,
              'completed', NULL,
              (ARRAY['Luật','Kinh tế','Quản lý đất đai','Sư phạm','Nông nghiệp'])
                [1 + floor(r_when * 5)::int],
              'Đại học Vinh', EXTRACT(YEAR FROM admitted)::int
            FROM syn_m WHERE {cadre} OR r_q < 0.35
            UNION ALL
            SELECT {person0} + seq, 'political',
              CASE WHEN r_q < 0.1 THEN 'pol_advanced' WHEN r_q < 0.7 THEN 'pol_intermediate'
                   ELSE 'pol_elementary' END,
              CASE WHEN r_q < 0.1 THEN 3 WHEN r_q < 0.7 THEN 2 ELSE 1 END,
              CASE WHEN r_adm < 0.05 THEN 'studying' ELSE 'completed' END,
              CASE WHEN r_adm < 0.05 THEN {self.today.year + 1} END,
              '', 'Trường Chính trị tỉnh', NULL
            FROM syn_m WHERE {cadre}
            """,
                cost=5,
            )
        )
        positions = self._positions()
        steps.append(
            Statement(
                "members_positionholding",
                "position holdings",
                f"""
            INSERT INTO members_positionholding (person_id, unit_id, position_id,
              valid_from, valid_to, is_concurrent, origin, province_id)
            SELECT {person0} + seq, superior_id,
              ({_sql_array(positions)})[1 + floor(r_c24 * {len(positions)})::int],
              GREATEST(admitted + 30, DATE '2020-10-01'), NULL, r_c25 < 0.1,
              CASE WHEN r_when < 0.85 THEN 'local' WHEN r_when < 0.92 THEN 'rotated_down'
                   WHEN r_when < 0.96 THEN 'rotated_horizontal' WHEN r_when < 0.98
                   THEN 'armed_forces' ELSE 'graduates' END,
              -- The province the trigger would copy (triggers are off for big loads).
              u.province_id
            FROM syn_m JOIN organizations_unit u ON u.id = superior_id WHERE {cadre}
            """,
                cost=0.3,
            )
        )
        self.person0, self.member0 = person0, member0
        return steps

    def _positions(self) -> list[int]:
        ids = list(Position.objects.values_list("pk", flat=True))
        if ids:
            return ids
        for order, (code, name, group) in enumerate(POSITIONS):
            Position.objects.get_or_create(
                code=code, defaults={"name": name, "group": group, "order": order}
            )
        return list(Position.objects.values_list("pk", flat=True))
