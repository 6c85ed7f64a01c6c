"""The django-import-export resource: same columns as the template, same records."""

from __future__ import annotations

import tablib

from members.models import CellPeriod, MemberEvent, Membership, MembershipStatus
from members.resources import MemberResource
from tests.members.import_files import member_row, xlsx


def test_the_resource_imports_the_template_columns_like_the_bulk_path(tree) -> None:
    rows = [member_row(1), member_row(2, full_member_on=None)]
    dataset = tablib.Dataset().load(xlsx(rows), format="xlsx")
    result = MemberResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert result.totals["new"] == 2
    member = Membership.objects.select_related("person").get(card_number="40.000002")
    assert member.status == MembershipStatus.PROBATIONARY
    assert member.person.full_name == "Nguyễn Văn Thử 2"
    assert CellPeriod.objects.get(membership=member).cell == tree.cell1
    assert MemberEvent.objects.count() == 3
    again = MemberResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert again.totals["new"] == 0
    assert Membership.objects.count() == 2


def test_the_resource_exports_labels_in_the_template_columns(tree) -> None:
    rows = [member_row(3)]
    MemberResource().import_data(
        tablib.Dataset().load(xlsx(rows), format="xlsx"),
        dry_run=False,
        raise_errors=True,
    )
    exported = MemberResource().export(Membership.objects.all())
    assert exported.headers[0] == "Họ và tên"
    assert exported[0][1] == "Nữ"
    assert exported[0][-1] == "TC-TP-1"
