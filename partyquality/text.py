"""Text as it enters the application: one form of each letter, no hidden characters.

Vietnamese letters can be typed precomposed (``ế``) or as a letter plus
combining marks (``e`` + ``̂`` + ``́``), depending on the keyboard (Unikey's
"Unicode dựng sẵn" or "tổ hợp"); both look the same and must compare equal,
so text is kept in NFC, the composed form.

Names (of people, units, villages, codes) are one line of visible
characters. Characters that are invisible or move other text — zero-width
spaces and joiners, the bidirectional overrides (U+202A–U+202E,
U+2066–U+2069: "Trojan Source", CVE-2021-42574), line and paragraph
separators, control characters — are refused with a message rather than
silently removed: a pasted name carrying them usually carries other damage
too, and the person typing can see and fix it.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext_lazy as _

# Unicode general categories refused in a name: controls (Cc, tab and new
# line included), formats (Cf: zero-width, bidi controls, soft hyphen), line
# and paragraph separators (Zl, Zp), private use (Co), surrogates (Cs) and
# unassigned code points (Cn).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})

KIND_LABELS = {
    "Cc": _("ký tự điều khiển"),
    "Cf": _("ký tự định dạng ẩn"),
    "Zl": _("ký tự xuống dòng"),
    "Zp": _("ký tự xuống đoạn"),
    "Co": _("ký tự không hợp lệ"),
    "Cs": _("ký tự không hợp lệ"),
    "Cn": _("ký tự không hợp lệ"),
}
NEW_LINE = _("ký tự xuống dòng")
BIDI = _("ký tự đổi chiều viết")
ZERO_WIDTH = _("ký tự rộng 0 (không nhìn thấy)")

UNSAFE_CHARACTER = _(
    "Có {kind} (U+{code}) ở ký tự thứ {position}. Hãy gõ lại, không dán từ nơi khác."
)


class UnsafeText(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def nfc(text: str) -> str:
    """The composed form (NFC) of ``text``."""
    return unicodedata.normalize("NFC", text)


def _kind(character: str, category: str) -> str:
    code = ord(character)
    if character in "\n\r\x0b\x0c\x85":
        return str(NEW_LINE)
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or code in (0x200E, 0x200F):
        return str(BIDI)
    if code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        return str(ZERO_WIDTH)
    return str(KIND_LABELS[category])


def unsafe_character(text: str) -> str | None:
    """The message for the first refused character of ``text``, or None."""
    if text.isprintable():  # (C speed) no Cc Cf Cs Co Cn Zl Zp Zs but space
        return None
    for position, character in enumerate(text, start=1):
        category = unicodedata.category(character)
        if category in REFUSED_CATEGORIES:
            return UNSAFE_CHARACTER.format(
                kind=_kind(character, category),
                code=f"{ord(character):04X}",
                position=position,
            )
    return None


def clean_name(text: str) -> str:
    """``text`` in NFC, without surrounding spaces, runs of spaces made one;
    raises ``UnsafeText`` for a character a name cannot hold."""
    text = nfc(text)
    problem = unsafe_character(text)
    if problem is not None:
        raise UnsafeText(problem)
    return " ".join(text.split())
