"""Access cases of the spreadsheet import pages (members/import_urls.py).

An upload is bound to the user who made it: another user's token is unknown
(404), and read-only roles are refused (403) before the token is looked at.
"""

from __future__ import annotations

from members.models import ImportJob
from partyquality import import_uploads
from tests.conftest import Tree
from tests.factories import UserFactory
from tests.url_cases import CaseBuilder, UrlCase


def _foreign_upload(tree: Tree) -> dict[str, object]:
    owner = UserFactory(username="bithu_khac")
    token = import_uploads.store_upload(
        user=owner, kind="members", name="khac.xlsx", chunks=[b"not read"]
    )
    return {"token": token}


def _foreign_job(tree: Tree) -> dict[str, object]:
    owner = UserFactory(username="bithu_khac2")
    job = ImportJob.objects.create(
        user=owner, token="0" * 32, kind="members", file_name="khac.xlsx", url="/"
    )
    return {"pk": job.pk}


URL_CASES: dict[str, CaseBuilder] = {
    # The upload page writes only into the user's own subtree, row by row;
    # readers are refused there too (tests/members/test_import_views.py).
    "imports:upload": lambda tree: UrlCase(hidden_text=tree.other_commune.name),
    "imports:template": lambda tree: UrlCase(query="?loai=members"),
    "imports:review": lambda tree: UrlCase(kwargs=_foreign_upload(tree)),
    "imports:confirm": lambda tree: UrlCase(kwargs=_foreign_upload(tree), write=True),
    "imports:errors": lambda tree: UrlCase(kwargs=_foreign_upload(tree)),
    # The column-mapping step saves a mapping for the user: a write.
    "imports:mapping": lambda tree: UrlCase(kwargs=_foreign_upload(tree), write=True),
    # A writing job is followed only by the user who confirmed it.
    "imports:job": lambda tree: UrlCase(kwargs=_foreign_job(tree)),
}
