"""A position holding keeps copies of its person's date of birth, gender and
ethnicity (PositionHolding.date_of_birth, .gender, .ethnicity), as a
membership does (members/0021), so the cadre list filters the country's
~100,000 holdings on their own rows instead of joining each to its person
among 5 million (an administrator's ``gender=F&age=lt30``, bench/RESULTS.md).

Kept by triggers as the holding's name is (members/0015): a holding takes
them from its person when written; a change of the person's is copied onto
the holdings. The existing rows are filled before the triggers change. The
bulk generator writes the copies itself (members/synthetic.py).
"""

from django.db import migrations, models

FILL = """
UPDATE members_positionholding h
SET date_of_birth = p.date_of_birth, gender = p.gender, ethnicity = p.ethnicity
FROM members_person p WHERE p.id = h.person_id;
"""

TRIGGERS = """
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
    FOR EACH ROW WHEN (
        OLD.date_of_birth IS DISTINCT FROM NEW.date_of_birth
        OR OLD.gender IS DISTINCT FROM NEW.gender
        OR OLD.ethnicity IS DISTINCT FROM NEW.ethnicity)
    EXECUTE FUNCTION members_person_facts_to_holdings();
"""

# members/0015's function and trigger.
UNDO_TRIGGERS = """
DROP TRIGGER person_facts_to_holdings ON members_person;
DROP FUNCTION members_person_facts_to_holdings();
CREATE OR REPLACE FUNCTION members_holding_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_name := COALESCE(
        (SELECT search_name FROM members_person WHERE id = NEW.person_id), '');
    NEW.province_id := (
        SELECT province_id FROM organizations_unit WHERE id = NEW.unit_id);
    RETURN NEW;
END $$;
DROP TRIGGER holding_copies ON members_positionholding;
CREATE TRIGGER holding_copies
    BEFORE INSERT OR UPDATE OF person_id, unit_id, province_id, search_name
    ON members_positionholding
    FOR EACH ROW EXECUTE FUNCTION members_holding_copies();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0022_membership_cell_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="positionholding",
            name="date_of_birth",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="positionholding",
            name="ethnicity",
            field=models.CharField(default="", editable=False, max_length=2),
        ),
        migrations.AddField(
            model_name="positionholding",
            name="gender",
            field=models.CharField(
                choices=[("M", "Nam"), ("F", "Nữ")],
                default="",
                editable=False,
                max_length=1,
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, UNDO_TRIGGERS),
    ]
