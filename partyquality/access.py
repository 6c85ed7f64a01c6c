"""Access by subtree: the one place that decides who sees and changes what.

Deny by default. A user sees the units under the units they are assigned to
(today's assignments), across the tree's history, and every record attached
to those units. Every queryset that reaches a user goes through
``scope_filter`` (via ``.visible_to(user)``) and every single-record view
through ``get_for_user``, which answers 404 outside the subtree and 403 to a
read-only role asking to write.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from organizations.models import Assignment, Role

AnyUser = AbstractBaseUser | AnonymousUser


# Roles that may change data in their subtree. Officers approve (assessments)
# and readers only read; the tree itself is changed by administrators.
WRITE_ROLES = (Role.ADMIN, Role.SECRETARY)
APPROVE_ROLES = (Role.ADMIN, Role.OFFICER)


def active_assignments(user: AnyUser) -> QuerySet[Assignment]:
    if not user.is_authenticated:
        return Assignment.objects.none()
    today = timezone.localdate()
    return Assignment.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=today),
        user=user,
        valid_from__lte=today,
    )


def is_admin(user: AnyUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        bool(user.is_superuser)
        or active_assignments(user).filter(role=Role.ADMIN).exists()
    )


def roles_of(user: AnyUser) -> set[str]:
    return set(active_assignments(user).values_list("role", flat=True))


def _root_ids(user: AnyUser, roles: tuple[str, ...] | None = None) -> list[int]:
    qs = active_assignments(user)
    if roles is not None:
        qs = qs.filter(role__in=roles)
    return list(qs.values_list("unit_id", flat=True))


def scope_filter(user: AnyUser, unit_field: str, *, write: bool = False) -> Q:
    """A Q limiting rows to those whose ``unit_field`` lies in the user's reach."""
    from organizations.tree import subtree_ever_ids_sql

    if is_admin(user):
        return Q()
    roots = _root_ids(user, WRITE_ROLES if write else None)
    if not roots:
        return Q(pk__in=[])
    return Q(**{f"{unit_field}__in": subtree_ever_ids_sql(roots)})


def can_write(user: AnyUser) -> bool:
    return is_admin(user) or bool(_root_ids(user, WRITE_ROLES))


def can_approve(user: AnyUser) -> bool:
    return is_admin(user) or bool(_root_ids(user, APPROVE_ROLES))


def get_for_user[M: Model](
    queryset: QuerySet[M], *, user: AnyUser, pk: object, write: bool = False
) -> M:
    """Fetch one visible record; 404 outside the subtree, 403 to read-only writers."""
    visible = getattr(queryset, "visible_to", None)
    if visible is None:
        raise TypeError(
            f"{queryset.model.__name__} has no visible_to(); scope it first"
        )
    try:
        obj = visible(user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        writable = getattr(queryset, "writable_by", None)
        if writable is None or not writable(user).filter(pk=obj.pk).exists():
            raise PermissionDenied
    return obj
