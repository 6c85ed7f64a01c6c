"""The demo's reports: official figures of approved years, said to be so."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from assessments import snapshot_rebuild
from assessments.models import OrganizationReview
from assessments.reports import member_quality, organization_quality
from organizations.models import Unit


def test_the_demo_2025_report_counts_approved_organizations_and_says_how_many(
    db, client
) -> None:
    call_command("seed_demo", stdout=StringIO())
    province = Unit.objects.get(code="NA")
    approved = OrganizationReview.objects.filter(year=2025, state="approved").count()
    assert approved == 58

    official = organization_quality.build(root=province, year=2025)
    assert str(official.approval) == "58/63 tổ chức cơ sở đảng đã được duyệt"
    assert official.groups["grassroots"].total == 58
    draft = organization_quality.build(root=province, year=2025, provisional=True)
    assert draft.groups["grassroots"].total == 63
    assert draft.groups["grassroots"].classified > 58  # the drafts' entries

    # The members of the approved organizations only, against everyone's.
    members = member_quality.build(root=province, year=2025)
    everyone = member_quality.build(root=province, year=2025, provisional=True)
    assert 0 < members.now.members < everyone.now.members

    # What the demo wrote on approval is what the detailed tables give.
    assert snapshot_rebuild.year_snapshots_verify(2024) == []
    assert snapshot_rebuild.year_snapshots_verify(2025) == []

    client.force_login(User.objects.get(username="thuongvu"))
    url = reverse("reports:report", args=["organization_quality"])
    page = client.get(url, {"unit": province.pk, "year": 2025}).content.decode()
    # The page's figures do not wait for the count: it arrives after them,
    # into the placeholder beside each table.
    assert "58/63" not in page
    assert 'id="approval-levels"' in page
    assert "Số liệu chính thức" in page
    approvals = reverse("reports:approvals", args=["organization_quality"])
    line = client.get(approvals, {"unit": province.pk, "year": 2025}).content.decode()
    assert (
        '<p class="approval" id="approval-levels" hx-swap-oob="true">'
        "58/63 tổ chức cơ sở đảng đã được duyệt</p>"
    ) in line
    page = client.get(
        url, {"unit": province.pk, "year": 2025, "provisional": 1}
    ).content.decode()
    assert "Số liệu tạm tính" in page
    assert "TẠM TÍNH" in page
