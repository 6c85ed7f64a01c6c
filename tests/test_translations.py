"""English is the second language: every Vietnamese msgid has an English translation."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries() -> list[list[str]]:
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    return [b.strip().splitlines() for b in blocks if "msgid" in b]


def _untranslated(block: list[str]) -> bool:
    strs = [i for i, line in enumerate(block) if line.startswith("msgstr")]
    for i in strs:
        value = block[i].split(" ", 1)[1]
        continued = i + 1 < len(block) and block[i + 1].startswith('"')
        if value == '""' and not continued:
            return True
    return False


def test_every_entry_of_the_english_catalogue_is_translated() -> None:
    entries = [b for b in _entries() if not any(line == 'msgid ""' for line in b)]
    assert len(entries) > 500
    missing = [b for b in entries if _untranslated(b)]
    fuzzy = [
        b
        for b in entries
        if any(line.startswith("#,") and "fuzzy" in line for line in b)
    ]
    assert missing == []
    assert fuzzy == []


def test_the_compiled_catalogue_answers_in_english() -> None:
    with translation.override("en"):
        assert translation.gettext("Đảng viên") == "Party members"
        assert translation.gettext("Đăng nhập") == "Log in"


def test_the_catalogue_holds_every_string_of_the_code(tmp_path) -> None:
    """A string added to a template or module without `make messages` would
    show in Vietnamese to an English reader; extract afresh and compare."""
    import shutil
    import subprocess
    import sys

    base = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    shutil.copytree(
        base,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "bench", "staticfiles", "*.pyc", "__pycache__"
        ),
    )
    # The copy's settings would start an embedded PostgreSQL of its own
    # (and leave it running) without a server named: name the suite's.
    from tests.production.workers import suite_database_url

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DATABASE_URL": suite_database_url()},
    )

    def msgids(po: Path) -> set[str]:
        ids = set()
        for block in po.read_text(encoding="utf-8").split("\n\n"):
            lines = [line for line in block.splitlines() if not line.startswith("#")]
            text, inside = [], False
            for line in lines:
                if line.startswith("msgid "):
                    inside = True
                    text.append(line[len("msgid ") :].strip('"'))
                elif inside and line.startswith('"'):
                    text.append(line.strip('"'))
                else:
                    inside = False
            if "".join(text):
                ids.add("".join(text))
        return ids

    extracted = msgids(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert len(extracted) > 500
    assert extracted - msgids(PO) == set()
