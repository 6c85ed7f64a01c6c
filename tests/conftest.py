"""The people of the test suite and the small tree they work on.

    Tỉnh Nghệ An (province)
    ├── Huyện Thanh Chương (superior)       ← board_officer
    │   └── Đảng bộ xã Thanh Phong (grassroots committee)   ← secretary
    │       ├── Chi bộ thôn 1 (cell)
    │       └── Chi bộ thôn 2 (cell)
    └── Huyện Tân Kỳ (superior)
        └── Đảng bộ xã Hương Sơn (grassroots committee)     ← outsider (its secretary)
            └── Chi bộ thôn Hương Sơn 1 (cell)

province_officer and reader are assigned to the province.
"""

from __future__ import annotations

import datetime
import os
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest

from organizations.models import Kind, Level, Role, Unit
from tests.factories import UserFactory, assign, make_unit

# pytest-django's live_server runs in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def postmasters_under(directory: Path) -> list[int]:
    """Pids of the PostgreSQL servers whose data lies under ``directory``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if args and args[0].endswith(b"postgres") and b"-D" in args:
            data = Path(args[args.index(b"-D") + 1].decode())
            if data.is_relative_to(directory):
                found.append(int(proc.name))
    return found


@pytest.fixture(scope="session", autouse=True)
def no_database_server_outlives_the_suite(
    tmp_path_factory: pytest.TempPathFactory,
):  # type: ignore[no-untyped-def]
    """A test that starts an embedded PostgreSQL under its temporary
    directory (a subprocess without DATABASE_URL) must stop it: such a
    server outlived ``make test`` once. One left is stopped, and reported."""
    yield
    left = postmasters_under(tmp_path_factory.getbasetemp())
    for pid in left:
        os.kill(pid, signal.SIGTERM)
    assert left == [], f"PostgreSQL servers left running by tests: {left}"


@pytest.fixture(autouse=True)
def language_back_to_vietnamese():  # type: ignore[no-untyped-def]
    """Each test starts in the site's language. The test client runs
    ``LocaleMiddleware`` in this thread and nothing deactivates the language
    it chose: a test that posts to /ngon-ngu/ or sends the English cookie
    (tests/test_language.py, the import check's and the worker's language
    tests) left English on, and the next test's lazy messages came out in
    English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    """Scales, rules, positions and standards come from data migrations; a
    browser test's flush removes them for the rest of a --reuse-db run, so
    every database test finds them reloaded when gone."""
    names = set(request.fixturenames)
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from assessments.reference import load_reference_data, reference_data_missing

    if reference_data_missing():
        load_reference_data()


@dataclass
class Tree:
    province: Unit
    district: Unit
    commune: Unit
    cell1: Unit
    cell2: Unit
    other_district: Unit
    other_commune: Unit
    other_cell: Unit


@pytest.fixture
def tree(db: None) -> Tree:
    province = make_unit(
        None, code="NA", name="Tỉnh Nghệ An", level=Level.PROVINCE, kind=Kind.PROVINCE
    )
    district = make_unit(
        province,
        code="TC",
        name="Huyện Thanh Chương",
        level=Level.SUPERIOR,
        kind=Kind.DISTRICT,
    )
    commune = make_unit(
        district,
        code="TC-TP",
        name="Đảng bộ xã Thanh Phong",
        level=Level.GRASSROOTS_COMMITTEE,
        kind=Kind.COMMUNE,
    )
    cell1 = make_unit(commune, code="TC-TP-1", name="Chi bộ thôn 1")
    cell2 = make_unit(commune, code="TC-TP-2", name="Chi bộ thôn 2")
    other_district = make_unit(
        province,
        code="TK",
        name="Huyện Tân Kỳ",
        level=Level.SUPERIOR,
        kind=Kind.DISTRICT,
    )
    other_commune = make_unit(
        other_district,
        code="TK-HS",
        name="Đảng bộ xã Hương Sơn",
        level=Level.GRASSROOTS_COMMITTEE,
        kind=Kind.COMMUNE,
    )
    other_cell = make_unit(
        other_commune, code="TK-HS-1", name="Chi bộ thôn Hương Sơn 1"
    )
    return Tree(
        province,
        district,
        commune,
        cell1,
        cell2,
        other_district,
        other_commune,
        other_cell,
    )


@pytest.fixture
def admin_user(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(username="quantri", is_staff=True, is_superuser=True)


@pytest.fixture
def province_officer(tree: Tree):  # type: ignore[no-untyped-def]
    user = UserFactory(username="bantochuc_tinh")
    assign(user, tree.province, Role.OFFICER)
    return user


@pytest.fixture
def board_officer(tree: Tree):  # type: ignore[no-untyped-def]
    user = UserFactory(username="bantochuc_huyen")
    assign(user, tree.district, Role.OFFICER)
    return user


@pytest.fixture
def secretary(tree: Tree):  # type: ignore[no-untyped-def]
    user = UserFactory(username="bithu_thanhphong")
    assign(user, tree.commune, Role.SECRETARY)
    return user


@pytest.fixture
def reader(tree: Tree):  # type: ignore[no-untyped-def]
    user = UserFactory(username="thuongvu")
    assign(user, tree.province, Role.READER)
    return user


@pytest.fixture
def outsider(tree: Tree):  # type: ignore[no-untyped-def]
    user = UserFactory(username="bithu_huongson")
    assign(user, tree.other_commune, Role.SECRETARY)
    return user


# Dated access (docs/access.md): Đảng bộ xã Thanh Phong moved from Huyện
# Thanh Chương to Huyện Tân Kỳ on 1 July 2025, and Tân Kỳ's officer.
COMMUNE_MOVED_ON = datetime.date(2025, 7, 1)


@pytest.fixture
def commune_moved(tree: Tree) -> Tree:
    from organizations.services import organization_move

    organization_move(
        unit=tree.commune,
        new_parent=tree.other_district,
        date=COMMUNE_MOVED_ON,
        decision_number="15-QĐ/TU",
    )
    return tree


@pytest.fixture
def new_officer(commune_moved: Tree):  # type: ignore[no-untyped-def]
    user = UserFactory(username="cb_tanky")
    assign(user, commune_moved.other_district, Role.OFFICER)
    return user


@pytest.fixture
def unassigned(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(username="chuaphancong")
