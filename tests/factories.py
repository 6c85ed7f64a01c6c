"""factory_boy factories for the test suite (no JSON fixtures for test data)."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import User

from organizations.models import Assignment, Kind, Level, Unit, UnitLink
from organizations.tree import place_in_provinces

EPOCH = datetime.date(2000, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "matkhau-thu-nghiem")

    @factory.post_generation
    def _save(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    level = Level.CELL
    kind = Kind.VILLAGE
    opened_on = EPOCH


def make_unit(
    parent: Unit | None = None, *, since: datetime.date = EPOCH, **kwargs: object
) -> Unit:
    """A unit, linked under ``parent`` from ``since``."""
    unit = UnitFactory(opened_on=kwargs.pop("opened_on", since), **kwargs)
    if parent is not None:
        UnitLink.objects.create(child=unit, parent=parent, valid_from=since)
    # As the tree services do after every change (Unit.province).
    place_in_provinces()
    return unit


def assign(
    user: User, unit: Unit, role: str, since: datetime.date = EPOCH
) -> Assignment:
    return Assignment.objects.create(user=user, unit=unit, role=role, valid_from=since)
