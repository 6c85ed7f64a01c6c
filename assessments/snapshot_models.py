"""Yearly snapshots: the figures of an approved year, written once (issue #15).

When the level above approves a grassroots organization's year
(``services.review_approve``), the figures of the organization and of every
unit under it that year are written here, one row per unit
(``UnitYearSnapshot``), with the commune-level posts per position group
(``PostGroupYearSnapshot``) and the named list of cadres below standard
(``StandardGapYearSnapshot``). Reopening the year deletes them; approving it
again writes them again (assessments/snapshots.py).

Every row carries ``path``: the ids from the top of the tree down to its unit,
in the tree as the year had it. The rows of any subtree of any year are one
range of the ``(year, path)`` index — ``path >= {1,5} AND path < {1,6}`` holds
exactly the arrays that start with ``{1,5}`` — so a report of the whole
country sums one year's rows without walking the tree or passing a list of
units (bench/RESULTS-reports.md).

A commune whose every grassroots organization is approved also gets its rows
summed once (``CommuneYearRollup``), so that a province or the whole country
reads about one rollup row per commune rather than every unit's row.

A figure is a column here plus the line that computes it
(``snapshots.SOURCES``); counts default to 0 so that a column added later
reads 0 for the rows written before it until ``rebuild_snapshots`` runs.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from members.models import Person, Position, PositionGroup
from organizations.models import Unit

__all__ = [
    "CommuneYearRollup",
    "PostGroupYearSnapshot",
    "StandardGapYearSnapshot",
    "UnitYearSnapshot",
]


def _count() -> models.PositiveIntegerField:
    return models.PositiveIntegerField(db_default=0)


class SnapshotPlace(models.Model):
    """Where a snapshot row's unit stood in the year's tree."""

    year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    # Unit ids from the top of the year's tree down to ``unit`` itself.
    path = ArrayField(models.BigIntegerField())

    class Meta:
        abstract = True


class SnapshotFigures(models.Model):
    """The counts of a snapshot row, summable over any set of rows."""

    # Members whose official cell on 31 December is this unit.
    members = _count()
    # Member classifications of the year given in this cell, by tier.
    member_tier_1 = _count()
    member_tier_2 = _count()
    member_tier_3 = _count()
    member_tier_4 = _count()
    # Admitted during the year into this cell.
    admitted = _count()
    admitted_women = _count()
    admitted_youth = _count()
    admitted_minority = _count()
    # Members disciplined during the year here, by form.
    disciplined_reprimand = _count()
    disciplined_warning = _count()
    disciplined_removal = _count()
    disciplined_expulsion = _count()
    # Members who left the Party during the year from this cell, by reason.
    left_resigned = _count()
    left_struck_off = _count()
    left_expelled = _count()
    left_deceased = _count()
    # Villages and residential groups of a commune-level unit.
    villages = _count()
    villages_without_cell = _count()
    villages_without_member = _count()
    village_heads_members = _count()
    # Of the villages, those whose "without a party member" came from
    # members' recorded residences, and those from the year's figure.
    villages_members_from_residence = _count()
    villages_members_from_figure = _count()
    # Posts taken up during the year here, by origin other than local.
    rotated_down = _count()
    rotated_horizontal = _count()
    rotated_up = _count()
    armed_forces = _count()
    graduates = _count()
    # People holding a post here on 31 December with a university degree.
    university_cadres = _count()

    class Meta:
        abstract = True


class UnitYearSnapshot(SnapshotPlace, SnapshotFigures):
    """One unit's figures of an approved year (the unit, its classification,
    its members, the year's events in it, its villages and rotations)."""

    level = models.CharField(max_length=24)
    kind = models.CharField(max_length=24)
    # The grassroots organization whose approval wrote the row; none for the
    # own row of a commune committee above grassroots (written once every
    # organization under it is approved).
    organization = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, related_name="+"
    )
    # The commune-level unit the row counts under (coverage per commune).
    commune = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, related_name="+"
    )
    # False for a unit closed during the year: it is placed under the unit
    # that succeeded it so the year's events in it still count there, but it
    # is not counted as a unit of the year.
    open_at_end = models.BooleanField(default=True)
    written_at = models.DateTimeField(auto_now_add=True)
    # Counted in the rollup of the commune it stands under
    # (``CommuneYearRollup``): a report of a subtree holding that commune
    # reads the rollup instead of this row.
    rolled_up = models.BooleanField(default=False, db_default=False)

    # The unit's own classification of the year.
    tier = models.PositiveSmallIntegerField(null=True)
    classification_level = models.ForeignKey(
        "assessments.ScaleLevel", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit"], name="unityearsnapshot_once_a_year"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "path"], name="unityearsnapshot_path_idx"),
            models.Index(
                fields=["year", "organization"], name="unityearsnapshot_org_idx"
            ),
            # The rows a report above the communes still reads one by one.
            models.Index(
                fields=["year", "path"],
                condition=models.Q(rolled_up=False),
                name="unityearsnapshot_detail_idx",
            ),
            # The weak units a report lists (tier 4: "không hoàn thành nhiệm
            # vụ"), a few in a thousand rows.
            models.Index(
                fields=["year", "path"],
                condition=models.Q(tier=4),
                name="unityearsnapshot_weak_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"


class PostGroupYearSnapshot(SnapshotPlace):
    """Posts held on 31 December at a commune-level unit, for one position
    group, against the standards in force that day (Decree 33/2023)."""

    position_group = models.CharField(max_length=16, choices=PositionGroup.choices)
    posts = _count()
    university = _count()
    intermediate = _count()
    political = _count()
    # Elementary political theory only, beside intermediate or higher
    # (Châu Cường: "20 intermediate + 2 elementary").
    political_elementary = _count()
    state_management = _count()
    studying = _count()
    # Studying now, by what they will hold (Tân Kỳ: "14 studying university,
    # 11 studying intermediate political theory").
    studying_university = _count()
    studying_political = _count()
    standardized = _count()
    missing_general = _count()
    missing_professional = _count()
    missing_political = _count()
    missing_state_management = _count()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "position_group"],
                name="postgroupyearsnapshot_once",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "path"], name="postgroupyearsnapshot_path"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.position_group}"


class StandardGapYearSnapshot(SnapshotPlace):
    """One post-holder below the standard of one dimension on 31 December."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=24)
    status = models.CharField(max_length=16)
    expected_year = models.PositiveSmallIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["year", "path"], name="standardgapyearsnapshot_path"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.dimension}"


class CommuneYearRollup(SnapshotPlace, SnapshotFigures):
    """The rows of a commune's year summed, written once every grassroots
    organization under it is approved (assessments/snapshot_rollups.py).

    ``unit`` is a commune-level unit no other commune contains in the year's
    tree, ``path`` its path: a report of a province or of the country sums
    the rollups in its range and the rows not rolled up, instead of every
    row. One rollup row per group of rows the reports tell apart: the
    commune the rows count under (a ward's grassroots committee inside a
    new commune is a commune of its own), their level and kind, whether
    they are open on 31 December and whether the row is that commune's own.
    """

    commune = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, related_name="+"
    )
    level = models.CharField(max_length=24)
    kind = models.CharField(max_length=24)
    open_at_end = models.BooleanField()
    own = models.BooleanField()
    written_at = models.DateTimeField(auto_now_add=True)
    # How many rows, and how many of them classified at each tier.
    units = _count()
    unit_tier_1 = _count()
    unit_tier_2 = _count()
    unit_tier_3 = _count()
    unit_tier_4 = _count()

    class Meta:
        indexes = [
            models.Index(fields=["year", "path"], name="communeyearrollup_path"),
            models.Index(fields=["year", "unit"], name="communeyearrollup_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.commune_id} {self.level}"
