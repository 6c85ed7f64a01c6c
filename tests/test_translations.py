"""English is the second language: every Vietnamese msgid has an English translation."""

from __future__ import annotations

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
