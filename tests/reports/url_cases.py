from __future__ import annotations

from assessments.models import ReportJob
from tests.factories import UserFactory
from tests.url_cases import CaseBuilder, UrlCase


def _other_users_job(tree) -> UrlCase:  # type: ignore[no-untyped-def]
    # A file made by Hương Sơn's own secretary: nobody else may open it.
    owner = UserFactory(username="bithu_huongson_tep")
    job = ReportJob.objects.create(
        user=owner,
        report="coverage",
        root=tree.other_commune,
        year=2025,
        format="pdf",
        status="done",
        progress=100,
        file_path="reports/x/coverage.pdf",
    )
    return UrlCase(kwargs={"pk": job.pk})


URL_CASES: dict[str, CaseBuilder] = {
    "reports:index": lambda tree: UrlCase(hidden_text=tree.other_commune.name),
    # The unit picker's search: another commune's name finds nothing.
    "reports:units": lambda tree: UrlCase(
        hidden_text=tree.other_commune.name, query="?q=huong+son&year=2025"
    ),
    "reports:report": lambda tree: UrlCase(
        kwargs={"slug": "organization_quality"}, query=f"?unit={tree.other_commune.pk}"
    ),
    # The approval lines loaded after a report page's figures.
    "reports:approvals": lambda tree: UrlCase(
        kwargs={"slug": "organization_quality"}, query=f"?unit={tree.other_commune.pk}"
    ),
    "reports:export": lambda tree: UrlCase(
        kwargs={"slug": "coverage", "fmt": "xlsx"},
        query=f"?unit={tree.other_commune.pk}",
    ),
    # A file is work queued for the worker: readers only read (issue #16).
    "reports:job_create": lambda tree: UrlCase(
        kwargs={"slug": "member_quality"},
        query=f"?unit={tree.other_commune.pk}",
        write=True,
    ),
    "reports:job_detail": _other_users_job,
    "reports:job_download": _other_users_job,
}
