"""A background report file is work for the worker: readers read, they do
not queue it (issue #16: a reader's POST was answered 302 and queued)."""

from __future__ import annotations

from django.urls import reverse

from assessments.models import ReportJob
from organizations.models import Role
from tests.factories import UserFactory, assign


def _url(tree) -> str:  # type: ignore[no-untyped-def]
    return (
        reverse("reports:job_create", args=["coverage"])
        + f"?unit={tree.province.pk}&year=2025"
    )


def test_a_reader_cannot_queue_a_report_file(
    client, tree, reader, django_capture_on_commit_callbacks
) -> None:
    client.force_login(reader)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_url(tree), {"format": "pdf"})
    assert response.status_code == 403
    assert callbacks == []
    assert not ReportJob.objects.exists()
    # Reading the report itself is still theirs.
    page = reverse("reports:report", args=["coverage"]) + f"?unit={tree.province.pk}"
    assert client.get(page).status_code == 200


def test_a_reader_who_is_secretary_elsewhere_cannot_queue_for_the_read_unit(
    client, tree, django_capture_on_commit_callbacks
) -> None:
    user = UserFactory(username="doc_va_bithu")
    assign(user, tree.province, Role.READER)
    assign(user, tree.commune, Role.SECRETARY)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(_url(tree), {"format": "pdf"}).status_code == 403
    assert callbacks == []
    own = (
        reverse("reports:job_create", args=["coverage"])
        + f"?unit={tree.commune.pk}&year=2025"
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(own, {"format": "pdf"})
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert ReportJob.objects.get().root == tree.commune


def test_an_officer_queues_and_an_outsider_gets_404(
    client, tree, province_officer, outsider, django_capture_on_commit_callbacks
) -> None:
    client.force_login(outsider)
    assert client.post(_url(tree), {"format": "pdf"}).status_code == 404
    assert not ReportJob.objects.exists()
    client.force_login(province_officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_url(tree), {"format": "pdf"})
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert ReportJob.objects.get().user == province_officer
