"""The tree's models in Django admin, for administrators only."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "model", ["unit", "unitlink", "unitevent", "residentialunit", "assignment"]
)
def test_administrator_browses_the_tree_in_django_admin(
    client, tree, admin_user, model
) -> None:
    client.force_login(admin_user)
    response = client.get(reverse(f"admin:organizations_{model}_changelist"))
    assert response.status_code == 200


def test_admin_unit_search_finds_names_without_accents(
    client, tree, admin_user
) -> None:
    client.force_login(admin_user)
    response = client.get(
        reverse("admin:organizations_unit_changelist") + "?q=huong+son"
    )
    assert "Đảng bộ xã Hương Sơn" in response.content.decode()


def test_staff_without_admin_role_cannot_open_the_tree_in_admin(
    client, tree, province_officer
) -> None:
    province_officer.is_staff = True
    province_officer.save()
    client.force_login(province_officer)
    response = client.get(reverse("admin:organizations_unit_changelist"))
    assert response.status_code == 302
