"""Backups that restore (docs/deploy.md "Backups"): deploy/backup.sh dumps
the demo database and the files under MEDIA_ROOT; deploy/restore.sh puts them
into a new, empty database and directory, where every row of every table —
the audit trail's event tables included — and every file are found again."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pghistory.models
import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from tests.production.workers import suite_database_url

DEPLOY = Path(settings.BASE_DIR) / "deploy"


def _fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of all its rows; every
    sequence's position."""
    found: dict[str, tuple[int, str]] = {}
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        for (table,) in tables:
            found[table] = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) FROM \"{table}\" t"  # noqa: S608 — catalogue names
            ).fetchone()
        for name, value in conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ):
            found[f"sequence {name}"] = (value or 0, "")
    return found


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()
    }


def _run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 — our own scripts
        [str(DEPLOY / script), *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
    )


# serialized_rollback: the flush after a transactional test would otherwise
# drop the reference data and content types the migrations loaded, which
# later serialized tests (the browser tests) restore.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_of_the_demo_database_restores_every_row_audit_event_and_file(
    tmp_path,
) -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    media = tmp_path / "media"
    (media / "reports" / "7").mkdir(parents=True)
    (media / "reports" / "7" / "coverage-2025-3.pdf").write_bytes(b"%PDF-1.7 report")
    (media / "imports").mkdir()
    (media / "imports" / "dang-vien.xlsx").write_bytes(b"PK\x03\x04 upload")
    source = suite_database_url()
    backups = tmp_path / "backups"
    made = _run(
        "backup.sh",
        env={
            "DATABASE_URL": source,
            "MEDIA_ROOT": str(media),
            "BACKUP_DIR": str(backups),
        },
    )
    assert made.returncode == 0, made.stderr
    (backup,) = backups.iterdir()
    assert sorted(p.name for p in backup.iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "media.tar.gz",
    ]

    name = f"{settings.DATABASES['default']['NAME']}_restored"
    target = source.replace(f"/{settings.DATABASES['default']['NAME']}", f"/{name}")
    admin = source.replace(f"/{settings.DATABASES['default']['NAME']}", "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        restored_media = tmp_path / "restored-media"
        env = {"DATABASE_URL": target, "MEDIA_ROOT": str(restored_media)}
        done = _run("restore.sh", str(backup), env=env)
        assert done.returncode == 0, done.stderr

        original, restored = _fingerprints(source), _fingerprints(target)
        assert restored == original
        events = {
            m._meta.db_table
            for m in apps.get_models()
            if issubclass(m, pghistory.models.Event) and not m._meta.proxy
        }
        assert events <= set(original)
        # The demo's writes were recorded: the audit trail is not empty.
        assert sum(original[table][0] for table in events) > 100
        assert original["auth_user"][0] >= 5
        assert _files(restored_media) == _files(media)

        again = _run("restore.sh", str(backup), env=env)
        assert again.returncode == 1
        assert "The database is not empty" in again.stderr
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path) -> None:
    backup = tmp_path / "20260101-000000"
    backup.mkdir()
    (backup / "database.dump").write_bytes(b"dump")
    (backup / "media.tar.gz").write_bytes(b"files")
    subprocess.run(
        ["sha256sum", "database.dump", "media.tar.gz"],  # noqa: S607
        cwd=backup,
        stdout=(backup / "SHA256SUMS").open("w"),
        check=True,
    )
    (backup / "database.dump").write_bytes(b"dump, damaged")
    media = tmp_path / "media"
    media.mkdir()
    (media / "kept.pdf").write_bytes(b"%PDF")
    done = _run(
        "restore.sh",
        str(backup),
        env={
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
            "MEDIA_ROOT": str(media),
        },
    )
    assert done.returncode != 0
    assert "FAILED" in done.stdout + done.stderr
    assert (media / "kept.pdf").exists()
