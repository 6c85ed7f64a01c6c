"""Access cases of the review URLs (see tests/url_cases.py)."""

from __future__ import annotations

import datetime

from assessments.models import CellMeeting, OrganizationReview, ReviewCampaign
from tests.url_cases import CaseBuilder, UrlCase


def _other(tree):  # type: ignore[no-untyped-def]
    return {"pk": tree.other_commune.pk, "year": 2024}


def _other_review(tree):  # type: ignore[no-untyped-def]
    OrganizationReview.objects.get_or_create(
        organization=tree.other_commune, year=2024, defaults={"state": "submitted"}
    )
    return _other(tree)


def _other_meeting(tree):  # type: ignore[no-untyped-def]
    meeting = CellMeeting.objects.create(
        cell=tree.other_cell,
        date=datetime.date(2024, 3, 12),
        preparation=18,
        attendance=9,
        conduct=40,
        rules=14,
        conclusions=8,
    )
    return {**_other(tree), "meeting": meeting.pk}


def _campaign(tree):  # type: ignore[no-untyped-def]
    campaign, _ = ReviewCampaign.objects.get_or_create(
        unit=tree.other_district,
        year=2024,
        defaults={
            "entry_deadline": datetime.date(2025, 1, 15),
            "decision_deadline": datetime.date(2025, 2, 15),
        },
    )
    return {"pk": campaign.pk}


def _waiting_elsewhere(tree):  # type: ignore[no-untyped-def]
    """A review submitted in the other branch: not in this officer's inbox."""
    _other_review(tree)
    return UrlCase(hidden_text=tree.other_commune.name)


URL_CASES: dict[str, CaseBuilder] = {
    "assessments:review_home": lambda tree: UrlCase(
        hidden_text=tree.other_commune.name
    ),
    "assessments:campaign_open": lambda tree: UrlCase(
        hidden_text=tree.other_district.name, write=True
    ),
    "assessments:inbox": _waiting_elsewhere,
    "assessments:completion_board": lambda tree: UrlCase(kwargs=_campaign(tree)),
    "assessments:bulk_approve": lambda tree: UrlCase(
        kwargs=_campaign(tree), write=True
    ),
    "assessments:audit_list": lambda tree: UrlCase(hidden_text=tree.other_commune.name),
    "assessments:audit_export": lambda tree: UrlCase(),
    "assessments:review_entry": lambda tree: UrlCase(kwargs=_other(tree), write=True),
    "assessments:review_save_row": lambda tree: UrlCase(
        kwargs=_other(tree), write=True
    ),
    "assessments:review_submit": lambda tree: UrlCase(kwargs=_other(tree), write=True),
    "assessments:cell_meetings": lambda tree: UrlCase(kwargs=_other(tree), write=True),
    "assessments:review_copy_last_year": lambda tree: UrlCase(
        kwargs=_other(tree), write=True
    ),
    "assessments:review_return": lambda tree: UrlCase(
        kwargs=_other_review(tree), write=True
    ),
    "assessments:review_approve": lambda tree: UrlCase(
        kwargs=_other_review(tree), write=True
    ),
    "assessments:review_reopen": lambda tree: UrlCase(
        kwargs=_other_review(tree), write=True
    ),
    "assessments:classification_import": lambda tree: UrlCase(
        kwargs=_other(tree), write=True
    ),
    "assessments:review_history": lambda tree: UrlCase(kwargs=_other(tree)),
    "assessments:checklists": lambda tree: UrlCase(kwargs=_other(tree), write=True),
    "assessments:cell_meeting_delete": lambda tree: UrlCase(
        kwargs=_other_meeting(tree), write=True
    ),
    "assessments:confidence_votes": lambda tree: UrlCase(
        kwargs=_other(tree), write=True
    ),
}
