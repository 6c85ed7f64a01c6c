"""SQL twins of partyquality/collation.py: the Vietnamese sort keys.

Each step is the Python function's step of the same name; the tests hold the
two equal (tests/test_collation.py). IMMUTABLE: they back generated columns.
A change of the key needs a new migration that also rewrites those columns.
"""

from django.db import migrations

LETTER_MARKS = "\u0306\u0302\u031b"
TONE_MARKS = "\u0300\u0309\u0303\u0301\u0323"
SPACES = "[ \t\n\r\f\v\u00a0]+"
ALPHABET = " 0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
CODES = " 0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _composed(expr: str) -> str:
    for pair, letter in [
        ("a\u0306", "ă"),
        ("a\u0302", "â"),
        ("e\u0302", "ê"),
        ("o\u0302", "ô"),
        ("o\u031b", "ơ"),
        ("u\u031b", "ư"),
    ]:
        expr = f"replace({expr}, '{pair}', '{letter}')"
    return expr


def _padded(expr: str) -> str:
    # Each number of 1 to 5 digits padded to 6 (Python: str.zfill(6)).
    for digits in range(1, 6):
        zeros = "0" * (6 - digits)
        expr = f"regexp_replace({expr}, '(?<![0-9])([0-9]{{{digits}}})(?![0-9])', '{zeros}\\1', 'g')"
    return expr


def _toned(expr: str) -> str:
    for mark, code in zip(TONE_MARKS, "BCDEF", strict=True):
        expr = f"regexp_replace({expr}, '.{mark}', '{code}', 'g')"
    return expr


WORDS = f"""
CREATE OR REPLACE FUNCTION public.pq_vn_words(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
SELECT btrim(regexp_replace(
    translate(normalize($1, NFD), 'ABCDEFGHIJKLMNOPQRSTUVWXYZĐ', 'abcdefghijklmnopqrstuvwxyzđ'),
    '{SPACES}', ' ', 'g'), ' ')
$$;
"""

LETTERS = f"""
CREATE OR REPLACE FUNCTION public.pq_vn_letters(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
SELECT translate({_padded(f"""btrim(regexp_replace(regexp_replace(
    {_composed(f"regexp_replace($1, '[{TONE_MARKS}]', '', 'g')")},
    '[^ 0-9a-zăâđêôơư]', '', 'g'), '{SPACES}', ' ', 'g'), ' ')""")},
    '{ALPHABET}', '{CODES}')
$$;
"""

TONES = f"""
CREATE OR REPLACE FUNCTION public.pq_vn_tones(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
SELECT regexp_replace({_toned(f"btrim(regexp_replace(regexp_replace(regexp_replace($1, '[{LETTER_MARKS}]', '', 'g'), '[^ 0-9a-zđ{TONE_MARKS}]', '', 'g'), '{SPACES}', ' ', 'g'), ' ')")},
    '[^BCDEF]', 'A', 'g')
$$;
"""

SORT_KEY = """
CREATE OR REPLACE FUNCTION public.pq_vn_sort_key(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
SELECT public.pq_vn_letters(w) || chr(1) || public.pq_vn_tones(w)
FROM (SELECT public.pq_vn_words($1) AS w) words
$$;
"""

PERSON_SORT_KEY = r"""
CREATE OR REPLACE FUNCTION public.pq_person_sort_key(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
SELECT public.pq_vn_sort_key(split_part(w, ' ', -1) || ' ' || regexp_replace(w, ' ?[^ ]*$', ''))
FROM (SELECT public.pq_vn_words($1) AS w) words
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS public.pq_person_sort_key(text);
DROP FUNCTION IF EXISTS public.pq_vn_sort_key(text);
DROP FUNCTION IF EXISTS public.pq_vn_tones(text);
DROP FUNCTION IF EXISTS public.pq_vn_letters(text);
DROP FUNCTION IF EXISTS public.pq_vn_words(text);
"""


class Migration(migrations.Migration):
    dependencies = [("partyquality", "0001_extensions")]

    operations = [
        migrations.RunSQL(WORDS + LETTERS + TONES + SORT_KEY + PERSON_SORT_KEY, DROP),
    ]
