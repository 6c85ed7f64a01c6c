"""A version number of the tree, changed by every write to what a reach is
read from (partyquality.access): the reaches of the units users are assigned
to are then kept between requests while the tree stays as it was.

The number lives in a row (written in the writing transaction, so other
sessions see the new number only once the change is committed) and is drawn
from a sequence (never given twice, even by a transaction rolled back, so a
reach computed inside it is never taken for another). Statement-level
triggers cover every writer, ``TRUNCATE`` included; the table is not a Django
model, so a test's flush leaves it.
"""

from django.db import migrations

TREE_TABLES = [
    "organizations_unitlink",
    "organizations_unitevent_predecessors",
    "organizations_unitevent_successors",
]

CREATE = """
CREATE SEQUENCE organizations_tree_version_seq;
CREATE TABLE organizations_tree_version (version bigint NOT NULL);
INSERT INTO organizations_tree_version VALUES (nextval('organizations_tree_version_seq'));
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
    for table in TREE_TABLES
) + """
CREATE TRIGGER tree_changed AFTER INSERT OR DELETE OR TRUNCATE
    OR UPDATE OF province_id ON organizations_unit
    FOR EACH STATEMENT EXECUTE FUNCTION organizations_tree_changed();
"""

DROP = "".join(
    f"DROP TRIGGER tree_changed ON {table};\n"
    for table in [*TREE_TABLES, "organizations_unit"]
) + """
DROP FUNCTION organizations_tree_changed();
DROP TABLE organizations_tree_version;
DROP SEQUENCE organizations_tree_version_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("organizations", "0003_unit_province")]

    operations = [migrations.RunSQL(CREATE, DROP)]
