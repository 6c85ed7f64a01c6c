"""Closed years (issue #16) for qualifications and villages: a completed
qualification counts from its year on where the person was, a village's
coverage from its day on in its commune's figures. Inside (or before) a
submitted or approved year they are refused, on the form and in the imports
(the whole file), with the message naming the locked year and who can
reopen it."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import OrganizationReview
from members import services
from members.models import Qualification
from organizations.models import ResidentialCoverage, ResidentialUnit
from organizations.services import residential_coverage_change, residential_unit_create
from partyquality import importing
from tests.assessments.test_closed_years import LOCKED_2024
from tests.members.factories import make_member
from tests.members.import_files import xlsx as people_xlsx
from tests.organizations.test_village_import import row as village_row
from tests.organizations.test_village_import import xlsx as village_xlsx

D = datetime.date


@pytest.fixture
def an(tree):  # type: ignore[no-untyped-def]
    return make_member(tree.cell1, full_name="Trần Văn An", card_number="40.000777")


@pytest.fixture
def locked_2024(tree) -> OrganizationReview:  # type: ignore[no-untyped-def]
    return OrganizationReview.objects.create(
        organization=tree.commune, year=2024, state="approved"
    )


def _errors(result: importing.ImportResult) -> list[tuple[int, str, str]]:
    return [(r.number, h, m) for r in result.error_rows for h, m in r.errors]


def test_a_qualification_of_a_locked_year_is_refused_on_the_form(
    client, secretary, an, locked_2024
) -> None:
    client.force_login(secretary)
    url = reverse("members:qualification_add", kwargs={"pk": an.person.pk})
    form = {
        "dimension": "professional",
        "level": "university",
        "status": "completed",
        "year": "2024",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert LOCKED_2024.format(date="31/12/2024") in response.content.decode()
    assert not Qualification.objects.exists()
    # Completed in 2026, an open year, it is recorded.
    assert client.post(url, form | {"year": "2026"}).status_code == 302
    assert Qualification.objects.get().year == 2026


def test_an_earlier_year_is_refused_too_and_a_change_of_year(an, locked_2024) -> None:
    """A degree of 2020 would count in the locked 2024 sheet; moving a 2026
    degree back to 2023 as well."""
    with pytest.raises(ValidationError) as refused:
        services.qualification_add(
            person=an.person, dimension="professional", level="university", year=2020
        )
    assert refused.value.message_dict == {
        "year": [LOCKED_2024.format(date="31/12/2020")]
    }
    degree = services.qualification_add(
        person=an.person, dimension="professional", level="university", year=2026
    )
    with pytest.raises(ValidationError):
        services.qualification_update(qualification=degree, year=2023)
    # The institution's name is no figure: it may change.
    services.qualification_update(qualification=degree, institution="Đại học Vinh")
    degree.refresh_from_db()
    assert (degree.year, degree.institution) == (2026, "Đại học Vinh")


def test_a_qualification_of_a_person_elsewhere_that_year_is_accepted(
    tree, locked_2024
) -> None:
    """A member of another commune's cell: Thanh Phong's lock is not theirs."""
    other = make_member(tree.other_cell, full_name="Lê Thị Bình")
    services.qualification_add(
        person=other.person, dimension="professional", level="university", year=2024
    )
    assert Qualification.objects.filter(person=other.person).exists()


def _qualification(card: str, year: int) -> list:
    return [card, "Chuyên môn, nghiệp vụ", "Đại học", "Đã có", None, "Luật", "", year]


def test_a_qualifications_file_with_a_locked_year_writes_nothing(
    tree, secretary, an
) -> None:
    make_member(tree.cell1, full_name="Hồ Văn Cường", card_number="40.000778")
    OrganizationReview.objects.create(
        organization=tree.commune, year=2024, state="approved"
    )
    rows = [_qualification("40.000778", 2026), _qualification("40.000777", 2024)]
    result = importing.import_file(
        "qualifications",
        BytesIO(people_xlsx(rows, kind="qualifications")),
        commit=True,
        user=secretary,
    )
    assert _errors(result) == [
        (3, "Năm tốt nghiệp", LOCKED_2024.format(date="31/12/2024"))
    ]
    assert not Qualification.objects.exists()
    rows[1][7] = 2026
    result = importing.import_file(
        "qualifications",
        BytesIO(people_xlsx(rows, kind="qualifications")),
        commit=True,
        user=secretary,
    )
    assert result.written, _errors(result)
    assert Qualification.objects.count() == 2


def _village(tree):  # type: ignore[no-untyped-def]
    return residential_unit_create(
        code="V1",
        name="Thôn 1",
        kind="village",
        commune=tree.commune,
        opened_on=D(2000, 1, 1),
        covering_cell=tree.cell1,
    )


def test_a_village_s_coverage_changed_in_a_locked_year_is_refused(tree) -> None:
    village = _village(tree)
    OrganizationReview.objects.create(
        organization=tree.commune, year=2024, state="approved"
    )
    # Nor can a village opened before the locked year be added now.
    with pytest.raises(ValidationError):
        residential_unit_create(
            code="V2",
            name="Thôn 2",
            kind="village",
            commune=tree.commune,
            opened_on=D(2010, 1, 1),
        )
    with pytest.raises(ValidationError) as refused:
        residential_coverage_change(
            village=village, date=D(2024, 7, 1), covering_cell=tree.cell2
        )
    assert refused.value.message_dict == {
        "date": [LOCKED_2024.format(date="01/07/2024")]
    }
    assert ResidentialCoverage.objects.get().covering_cell == tree.cell1
    residential_coverage_change(
        village=village, date=D(2026, 7, 1), covering_cell=tree.cell2
    )
    assert ResidentialCoverage.objects.count() == 2


def test_a_villages_file_changing_a_locked_year_writes_nothing(
    tree, secretary, locked_2024
) -> None:
    rows = [
        village_row("V1", "Thôn 1", cell_code="TC-TP-1", valid_to="01/07/2024"),
        village_row("V1", "Thôn 1", cell_code="TC-TP-2", valid_from="01/07/2024"),
    ]
    result = importing.import_file(
        "villages", BytesIO(village_xlsx(rows)), commit=True, user=secretary
    )
    # A period from 2000 counts in 2024 too: loading a commune's villages
    # after its year is locked is refused like loading its members.
    assert _errors(result) == [
        (2, "Phụ trách từ ngày", LOCKED_2024.format(date="01/01/2000")),
        (3, "Phụ trách từ ngày", LOCKED_2024.format(date="01/07/2024")),
    ]
    assert not ResidentialUnit.objects.exists()
    OrganizationReview.objects.update(state="draft")
    result = importing.import_file(
        "villages", BytesIO(village_xlsx(rows)), commit=True, user=secretary
    )
    assert result.written, _errors(result)
    assert ResidentialCoverage.objects.count() == 2
