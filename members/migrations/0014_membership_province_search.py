"""A province's members in name order (Membership.province, .search_name).

The copies are kept by triggers, whatever writes the rows (services, imports,
``QuerySet.update()``, raw SQL): a membership takes the province of its
current cell and the folded name of its person when either changes; a rename
of the person and a re-placing of a unit (``organizations.tree
.place_in_provinces``) are copied onto the memberships. The bulk generator,
which loads with triggers off, writes the copies itself (members/synthetic.py).
"""

import django.db.models.deletion
from django.db import migrations, models

import partyquality.search

TRIGGERS = """
CREATE FUNCTION members_membership_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_name := COALESCE(
        (SELECT search_name FROM members_person WHERE id = NEW.person_id), '');
    NEW.province_id := (
        SELECT province_id FROM organizations_unit WHERE id = NEW.current_cell_id);
    RETURN NEW;
END $$;
CREATE TRIGGER membership_copies
    BEFORE INSERT OR UPDATE OF person_id, current_cell_id, province_id, search_name
    ON members_membership
    FOR EACH ROW EXECUTE FUNCTION members_membership_copies();

CREATE FUNCTION members_person_name_to_memberships() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_membership SET search_name = NEW.search_name
    WHERE person_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER person_name_to_memberships
    AFTER UPDATE OF full_name ON members_person
    FOR EACH ROW WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name)
    EXECUTE FUNCTION members_person_name_to_memberships();

CREATE FUNCTION members_unit_province_to_memberships() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_membership SET province_id = NEW.province_id
    WHERE current_cell_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_province_to_memberships
    AFTER UPDATE OF province_id ON organizations_unit
    FOR EACH ROW WHEN (OLD.province_id IS DISTINCT FROM NEW.province_id)
    EXECUTE FUNCTION members_unit_province_to_memberships();
"""

DROP_TRIGGERS = """
DROP TRIGGER unit_province_to_memberships ON organizations_unit;
DROP FUNCTION members_unit_province_to_memberships();
DROP TRIGGER person_name_to_memberships ON members_person;
DROP FUNCTION members_person_name_to_memberships();
DROP TRIGGER membership_copies ON members_membership;
DROP FUNCTION members_membership_copies();
"""

# The existing rows, in one statement each before the triggers exist.
PLACE_UNITS = """
WITH RECURSIVE reach(province_id, id) AS (
    SELECT u.id, u.id FROM organizations_unit u
    WHERE u.level = 'province' AND (u.closed_on IS NULL OR u.closed_on > CURRENT_DATE)
  UNION
    SELECT reach.province_id, e.child_id FROM (
        SELECT parent_id, child_id FROM organizations_unitlink
        UNION ALL
        SELECT s.unit_id, p.unit_id
        FROM organizations_unitevent_successors s
        JOIN organizations_unitevent_predecessors p ON p.unitevent_id = s.unitevent_id
    ) e JOIN reach ON e.parent_id = reach.id
),
placed AS (SELECT id, min(province_id) AS province_id FROM reach GROUP BY id)
UPDATE organizations_unit u SET province_id = placed.province_id
FROM placed WHERE placed.id = u.id;
"""
COPY_TO_MEMBERSHIPS = """
UPDATE members_membership m
SET search_name = p.search_name,
    province_id = (SELECT province_id FROM organizations_unit WHERE id = m.current_cell_id)
FROM members_person p WHERE p.id = m.person_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0013_person_leading_words_index"),
        ("organizations", "0003_unit_province"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="province",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organizations.unit",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="search_name",
            field=models.TextField(db_collation="C", default="", editable=False),
        ),
        migrations.RunSQL(PLACE_UNITS, migrations.RunSQL.noop),
        migrations.RunSQL(COPY_TO_MEMBERSHIPS, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.AddField(
            model_name="membership",
            name="search_given_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=partyquality.search.LastWord(models.F("search_name")),
                output_field=models.TextField(db_collation="C"),
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                fields=["province", "search_name", "id"],
                include=("current_cell", "status", "search_given_name"),
                name="membership_province_name_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                fields=["province", "search_given_name", "search_name", "id"],
                include=("current_cell", "status"),
                name="membership_province_given_idx",
            ),
        ),
        migrations.RunSQL("ANALYZE members_membership", migrations.RunSQL.noop),
    ]
