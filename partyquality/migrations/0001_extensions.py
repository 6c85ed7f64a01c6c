from django.contrib.postgres.operations import (
    BtreeGistExtension,
    TrigramExtension,
    UnaccentExtension,
)
from django.db import migrations

# IMMUTABLE wrapper around unaccent so it can back generated columns and
# indexes; the dictionary is named with its schema so the result cannot depend
# on search_path.
CREATE_PQ_UNACCENT = """
CREATE OR REPLACE FUNCTION public.pq_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        BtreeGistExtension(),
        migrations.RunSQL(CREATE_PQ_UNACCENT, "DROP FUNCTION IF EXISTS public.pq_unaccent(text);"),
    ]
