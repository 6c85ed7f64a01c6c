"""The copies of the person's fields on memberships and holdings (the folded
name, birth date, gender, ethnicity: members/0014, 0015, 0021, 0023), the
cell-name copy (0022) and ``holder_is_member`` (0024) are dropped, with their
triggers and the indexes built on them (issue #17). The lists read the person,
the cell and the memberships themselves (docs/member_list.md); only the
province copy stays, kept by ``membership_copies`` and ``holding_copies``,
which now copy the province alone.

Dropping columns and indexes rewrites nothing; the four indexes the lists'
other orders walk are built again without the name beside the key. Undone,
the columns are filled again from the people and the cells and their triggers
restored (slow on the national set: an UPDATE of every membership).
"""

from django.db import migrations, models

PROVINCE_ONLY = """
DROP TRIGGER person_facts_to_memberships ON members_person;
DROP FUNCTION members_person_facts_to_memberships();
DROP TRIGGER person_name_to_memberships ON members_person;
DROP FUNCTION members_person_name_to_memberships();
DROP TRIGGER unit_name_to_memberships ON organizations_unit;
DROP FUNCTION members_unit_name_to_memberships();
DROP TRIGGER person_facts_to_holdings ON members_person;
DROP FUNCTION members_person_facts_to_holdings();
DROP TRIGGER person_name_to_holdings ON members_person;
DROP FUNCTION members_person_name_to_holdings();
DROP TRIGGER memberships_deleted_to_holdings ON members_membership;
DROP TRIGGER memberships_updated_to_holdings ON members_membership;
DROP TRIGGER memberships_inserted_to_holdings ON members_membership;
DROP FUNCTION members_memberships_to_holdings();

CREATE OR REPLACE FUNCTION members_membership_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.province_id := (
        SELECT province_id FROM organizations_unit WHERE id = NEW.current_cell_id);
    RETURN NEW;
END $$;
DROP TRIGGER membership_copies ON members_membership;
CREATE TRIGGER membership_copies
    BEFORE INSERT OR UPDATE OF current_cell_id, province_id ON members_membership
    FOR EACH ROW EXECUTE FUNCTION members_membership_copies();

CREATE OR REPLACE FUNCTION members_holding_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.province_id := (
        SELECT province_id FROM organizations_unit WHERE id = NEW.unit_id);
    RETURN NEW;
END $$;
DROP TRIGGER holding_copies ON members_positionholding;
CREATE TRIGGER holding_copies
    BEFORE INSERT OR UPDATE OF unit_id, province_id ON members_positionholding
    FOR EACH ROW EXECUTE FUNCTION members_holding_copies();
"""

# Undone: the columns are back (empty), filled from the records, then the
# triggers of members/0022 and 0024 keep them again.
ALL_COPIES = """
UPDATE members_membership m
SET search_name = COALESCE(p.search_name, ''), date_of_birth = p.date_of_birth,
    gender = COALESCE(p.gender, ''), ethnicity = COALESCE(p.ethnicity, ''),
    cell_name = u.name
FROM members_person p, organizations_unit u
WHERE p.id = m.person_id AND u.id = m.current_cell_id;
UPDATE members_membership m
SET search_name = COALESCE(p.search_name, ''), date_of_birth = p.date_of_birth,
    gender = COALESCE(p.gender, ''), ethnicity = COALESCE(p.ethnicity, '')
FROM members_person p
WHERE p.id = m.person_id AND m.current_cell_id IS NULL;
UPDATE members_positionholding h
SET search_name = COALESCE(p.search_name, ''), date_of_birth = p.date_of_birth,
    gender = COALESCE(p.gender, ''), ethnicity = COALESCE(p.ethnicity, ''),
    holder_is_member = EXISTS (
        SELECT 1 FROM members_membership m
        WHERE m.person_id = h.person_id AND m.ended_on IS NULL)
FROM members_person p WHERE p.id = h.person_id;

CREATE OR REPLACE FUNCTION members_membership_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    person record;
    cell record;
BEGIN
    SELECT search_name, date_of_birth, gender, ethnicity INTO person
    FROM members_person WHERE id = NEW.person_id;
    NEW.search_name := COALESCE(person.search_name, '');
    NEW.date_of_birth := person.date_of_birth;
    NEW.gender := COALESCE(person.gender, '');
    NEW.ethnicity := COALESCE(person.ethnicity, '');
    SELECT province_id, name INTO cell
    FROM organizations_unit WHERE id = NEW.current_cell_id;
    NEW.province_id := cell.province_id;
    NEW.cell_name := cell.name;
    RETURN NEW;
END $$;
DROP TRIGGER membership_copies ON members_membership;
CREATE TRIGGER membership_copies
    BEFORE INSERT OR UPDATE OF person_id, current_cell_id, province_id, search_name,
        date_of_birth, gender, ethnicity, cell_name
    ON members_membership
    FOR EACH ROW EXECUTE FUNCTION members_membership_copies();

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

CREATE FUNCTION members_person_name_to_holdings() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_positionholding SET search_name = NEW.search_name
    WHERE person_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER person_name_to_holdings
    AFTER UPDATE OF full_name ON members_person
    FOR EACH ROW WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name)
    EXECUTE FUNCTION members_person_name_to_holdings();

CREATE FUNCTION members_person_facts_to_memberships() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_membership
    SET date_of_birth = NEW.date_of_birth, gender = NEW.gender,
        ethnicity = NEW.ethnicity
    WHERE person_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER person_facts_to_memberships
    AFTER UPDATE OF date_of_birth, gender, ethnicity ON members_person
    FOR EACH ROW WHEN (OLD.date_of_birth IS DISTINCT FROM NEW.date_of_birth
        OR OLD.gender IS DISTINCT FROM NEW.gender
        OR OLD.ethnicity IS DISTINCT FROM NEW.ethnicity)
    EXECUTE FUNCTION members_person_facts_to_memberships();

CREATE FUNCTION members_person_facts_to_holdings() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_positionholding
    SET date_of_birth = NEW.date_of_birth, gender = NEW.gender,
        ethnicity = NEW.ethnicity
    WHERE person_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER person_facts_to_holdings
    AFTER UPDATE OF date_of_birth, gender, ethnicity ON members_person
    FOR EACH ROW WHEN (OLD.date_of_birth IS DISTINCT FROM NEW.date_of_birth
        OR OLD.gender IS DISTINCT FROM NEW.gender
        OR OLD.ethnicity IS DISTINCT FROM NEW.ethnicity)
    EXECUTE FUNCTION members_person_facts_to_holdings();

CREATE FUNCTION members_unit_name_to_memberships() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_membership SET cell_name = NEW.name
    WHERE current_cell_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_name_to_memberships
    AFTER UPDATE OF name ON organizations_unit
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION members_unit_name_to_memberships();

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


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0030_cell_period_labels'),
        ('organizations', '0009_remove_residential_current_values'),
    ]

    operations = [
        migrations.RunSQL(PROVINCE_ONLY, ALL_COPIES),
        migrations.RemoveIndex(
            model_name='membership',
            name='membership_province_given_idx',
        ),
        migrations.RemoveIndex(
            model_name='membership',
            name='membership_admitted_idx',
        ),
        migrations.RemoveIndex(
            model_name='membership',
            name='membership_status_idx',
        ),
        migrations.RemoveIndex(
            model_name='membership',
            name='membership_province_name_idx',
        ),
        migrations.RemoveIndex(
            model_name='membership',
            name='membership_cell_name_idx',
        ),
        migrations.RemoveIndex(
            model_name='membership',
            name='membership_prov_admitted_idx',
        ),
        migrations.RemoveIndex(
            model_name='membership',
            name='membership_prov_status_idx',
        ),
        migrations.RemoveIndex(
            model_name='membership',
            name='membership_prov_cell_idx',
        ),
        migrations.RemoveIndex(
            model_name='membership',
            name='membership_prov_birth_idx',
        ),
        migrations.RemoveIndex(
            model_name='positionholding',
            name='holding_name_idx',
        ),
        migrations.RemoveIndex(
            model_name='positionholding',
            name='holding_province_name_idx',
        ),
        migrations.RemoveIndex(
            model_name='positionholding',
            name='holding_name_words',
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['admitted_on', 'id'], name='membership_admitted_idx'),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['status', 'id'], name='membership_status_idx'),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['province', 'admitted_on', 'id'], name='membership_prov_admitted_idx'),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['province', 'status', 'id'], name='membership_prov_status_idx'),
        ),
        migrations.AddIndex(
            model_name='positionholding',
            index=models.Index(fields=['province', 'id'], name='holding_province_idx'),
        ),
        migrations.RemoveField(
            model_name='membership',
            name='cell_name',
        ),
        migrations.RemoveField(
            model_name='membership',
            name='date_of_birth',
        ),
        migrations.RemoveField(
            model_name='membership',
            name='ethnicity',
        ),
        migrations.RemoveField(
            model_name='membership',
            name='gender',
        ),
        migrations.RemoveField(
            model_name='membership',
            name='search_given_name',
        ),
        migrations.RemoveField(
            model_name='positionholding',
            name='date_of_birth',
        ),
        migrations.RemoveField(
            model_name='positionholding',
            name='ethnicity',
        ),
        migrations.RemoveField(
            model_name='positionholding',
            name='gender',
        ),
        migrations.RemoveField(
            model_name='positionholding',
            name='holder_is_member',
        ),
        migrations.RemoveField(
            model_name='positionholding',
            name='search_given_name',
        ),
        migrations.RemoveField(
            model_name='membership',
            name='search_name',
        ),
        migrations.RemoveField(
            model_name='positionholding',
            name='search_name',
        ),
    ]
