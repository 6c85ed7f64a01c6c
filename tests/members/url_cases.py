"""How the URL sweep reaches each members URL: records built in the other
branch (Hương Sơn), which the Thanh Phong secretary must never reach."""

from __future__ import annotations

import datetime

from members import services
from members.models import Person, PositionHolding
from tests.conftest import Tree
from tests.members.factories import PersonFactory, make_member, position
from tests.url_cases import CaseBuilder, UrlCase

OTHER_NAME = "Đinh Thị Ngoài Nhánh"


def other_person(tree: Tree) -> Person:
    person = Person.objects.filter(full_name=OTHER_NAME).first()
    if person is None:
        person = make_member(tree.other_cell, full_name=OTHER_NAME).person
    return person


def other_holding(tree: Tree) -> PositionHolding:
    person = PersonFactory(full_name="Cán bộ Hương Sơn")
    return services.holding_start(
        person=person,
        unit=tree.other_commune,
        position=position("ubnd_chair"),
        valid_from=datetime.date(2021, 6, 1),
    )


def person_case(*, write: bool) -> CaseBuilder:
    return lambda tree: UrlCase(kwargs={"pk": other_person(tree).pk}, write=write)


def list_case(tree: Tree) -> UrlCase:
    other_person(tree)
    return UrlCase(hidden_text=OTHER_NAME)


def cadre_list_case(tree: Tree) -> UrlCase:
    other_holding(tree)
    return UrlCase(
        hidden_text="Cán bộ Hương Sơn", query=f"?unit={tree.other_commune.pk}"
    )


URL_CASES: dict[str, CaseBuilder] = {
    "members:member_list": list_case,
    "members:cadre_list": cadre_list_case,
    "members:member_export": lambda tree: UrlCase(
        query=f"?unit={tree.other_commune.pk}"
    ),
    "members:cadre_export": lambda tree: UrlCase(
        query=f"?unit={tree.other_commune.pk}"
    ),
    "members:member_count": lambda tree: UrlCase(
        query=f"?unit={tree.other_commune.pk}"
    ),
    "members:cadre_count": lambda tree: UrlCase(query=f"?unit={tree.other_commune.pk}"),
    "members:person_create": lambda tree: UrlCase(
        write=True, query=f"?unit={tree.other_commune.pk}"
    ),
    "members:person_detail": person_case(write=False),
    "members:person_update": person_case(write=True),
    "members:member_admit": person_case(write=True),
    "members:member_make_full": person_case(write=True),
    "members:member_transfer": person_case(write=True),
    "members:member_exempt": person_case(write=True),
    "members:member_end_exemption": person_case(write=True),
    "members:member_leave": person_case(write=True),
    "members:discipline_record": person_case(write=True),
    "members:qualification_add": person_case(write=True),
    "members:holding_start": person_case(write=True),
    "members:unit_discipline_record": lambda tree: UrlCase(
        kwargs={"pk": tree.other_cell.pk}, write=True
    ),
    "members:holding_end": lambda tree: UrlCase(
        kwargs={"pk": other_holding(tree).pk}, write=True
    ),
}
