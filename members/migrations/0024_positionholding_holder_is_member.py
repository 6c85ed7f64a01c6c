"""A position holding records whether its holder is a party member now
(PositionHolding.holder_is_member: a membership of the person not ended), so
the cadre list's "member" filter reads the holdings alone; asked of the
memberships, the country's ~100,000 holdings each looked up among 5 million
memberships (150 ms, bench/RESULTS.md).

Kept by triggers, whatever writes the rows: a holding takes it when written
(members_holding_copies, as its other copies, members/0015 and 0023); a
membership inserted, changed or deleted sets it again on its person's
holdings, once a statement (the transition tables: an import of 100,000
members runs one UPDATE, not one per row). The existing rows are filled
first. The bulk generator writes it itself (members/synthetic.py).
"""

from django.db import migrations, models

FILL = """
UPDATE members_positionholding h
SET holder_is_member = EXISTS (
    SELECT 1 FROM members_membership m
    WHERE m.person_id = h.person_id AND m.ended_on IS NULL);
"""

# The holding's copies (members/0023), and whether its holder is a member.
HOLDING_COPIES = """
CREATE OR REPLACE FUNCTION members_holding_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    person record;
BEGIN
    SELECT search_name, date_of_birth, gender, ethnicity INTO person
    FROM members_person WHERE id = NEW.person_id;
    NEW.search_name := COALESCE(person.search_name, '');
    NEW.date_of_birth := person.date_of_birth;
    NEW.gender := COALESCE(person.gender, '');
    NEW.ethnicity := COALESCE(person.ethnicity, '');
    NEW.province_id := (
        SELECT province_id FROM organizations_unit WHERE id = NEW.unit_id);
    NEW.holder_is_member := EXISTS (
        SELECT 1 FROM members_membership m
        WHERE m.person_id = NEW.person_id AND m.ended_on IS NULL);
    RETURN NEW;
END $$;
DROP TRIGGER holding_copies ON members_positionholding;
CREATE TRIGGER holding_copies
    BEFORE INSERT OR UPDATE OF person_id, unit_id, province_id, search_name,
        date_of_birth, gender, ethnicity, holder_is_member
    ON members_positionholding
    FOR EACH ROW EXECUTE FUNCTION members_holding_copies();
"""

# A statement's memberships set it again on their persons' holdings, once a
# statement, from its transition tables (an INSERT has only new rows, a
# DELETE only old ones). Where the holding differs, the value is flipped.
MEMBERSHIPS_TO_HOLDINGS = """
CREATE FUNCTION members_memberships_to_holdings() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    persons bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT person_id) INTO persons FROM new_rows;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(DISTINCT person_id) INTO persons FROM (
            SELECT person_id FROM new_rows UNION SELECT person_id FROM old_rows
        ) AS changed;
    ELSE
        SELECT array_agg(DISTINCT person_id) INTO persons FROM old_rows;
    END IF;
    UPDATE members_positionholding h
    SET holder_is_member = NOT h.holder_is_member
    WHERE h.person_id = ANY(persons)
      AND h.holder_is_member IS DISTINCT FROM EXISTS (
          SELECT 1 FROM members_membership m
          WHERE m.person_id = h.person_id AND m.ended_on IS NULL);
    RETURN NULL;
END $$;
CREATE TRIGGER memberships_inserted_to_holdings
    AFTER INSERT ON members_membership REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION members_memberships_to_holdings();
CREATE TRIGGER memberships_updated_to_holdings
    AFTER UPDATE ON members_membership
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION members_memberships_to_holdings();
CREATE TRIGGER memberships_deleted_to_holdings
    AFTER DELETE ON members_membership REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION members_memberships_to_holdings();
"""

UNDO_MEMBERSHIPS_TO_HOLDINGS = """
DROP TRIGGER memberships_deleted_to_holdings ON members_membership;
DROP TRIGGER memberships_updated_to_holdings ON members_membership;
DROP TRIGGER memberships_inserted_to_holdings ON members_membership;
DROP FUNCTION members_memberships_to_holdings();
"""

# members/0023's function and trigger.
UNDO_HOLDING_COPIES = """
CREATE OR REPLACE FUNCTION members_holding_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    person record;
BEGIN
    SELECT search_name, date_of_birth, gender, ethnicity INTO person
    FROM members_person WHERE id = NEW.person_id;
    NEW.search_name := COALESCE(person.search_name, '');
    NEW.date_of_birth := person.date_of_birth;
    NEW.gender := COALESCE(person.gender, '');
    NEW.ethnicity := COALESCE(person.ethnicity, '');
    NEW.province_id := (
        SELECT province_id FROM organizations_unit WHERE id = NEW.unit_id);
    RETURN NEW;
END $$;
DROP TRIGGER holding_copies ON members_positionholding;
CREATE TRIGGER holding_copies
    BEFORE INSERT OR UPDATE OF person_id, unit_id, province_id, search_name,
        date_of_birth, gender, ethnicity
    ON members_positionholding
    FOR EACH ROW EXECUTE FUNCTION members_holding_copies();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0023_positionholding_person_copies"),
    ]

    operations = [
        migrations.AddField(
            model_name="positionholding",
            name="holder_is_member",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(HOLDING_COPIES, UNDO_HOLDING_COPIES),
        migrations.RunSQL(MEMBERSHIPS_TO_HOLDINGS, UNDO_MEMBERSHIPS_TO_HOLDINGS),
    ]
