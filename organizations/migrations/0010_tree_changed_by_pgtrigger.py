"""The ``tree_changed`` statement triggers (organizations/0004) are declared
beside their models with django-pgtrigger (``tree_changed`` in
organizations/models.py) and installed after every migrate, as the history's
are; this drops the hand-written ones and their function. The version row and
its sequence stay. Undone, the triggers of 0004 are written again.
"""

from django.db import migrations

TABLES = [
    "organizations_unitlink",
    "organizations_unitevent_predecessors",
    "organizations_unitevent_successors",
]

DROP = "".join(
    f"DROP TRIGGER tree_changed ON {table};\n"
    for table in [*TABLES, "organizations_unit"]
) + "DROP FUNCTION organizations_tree_changed();\n"

RESTORE = """
CREATE FUNCTION organizations_tree_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE organizations_tree_version
    SET version = nextval('organizations_tree_version_seq');
    RETURN NULL;
END $$;
""" + "".join(
    f"""
CREATE TRIGGER tree_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION organizations_tree_changed();
"""
    for table in TABLES
) + """
CREATE TRIGGER tree_changed AFTER INSERT OR DELETE OR TRUNCATE
    OR UPDATE OF province_id ON organizations_unit
    FOR EACH STATEMENT EXECUTE FUNCTION organizations_tree_changed();
"""


class Migration(migrations.Migration):
    dependencies = [("organizations", "0009_remove_residential_current_values")]

    operations = [migrations.RunSQL(DROP, RESTORE)]
