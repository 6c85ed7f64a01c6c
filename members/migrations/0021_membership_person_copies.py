"""A membership keeps copies of its person's date of birth, gender and
ethnicity (Membership.date_of_birth, .gender, .ethnicity), beside the name in
its province's index, so a province officer's list filters and sorts on them
within the province's own range (bench/RESULTS.md).

Kept by triggers as the name is (members/0014): a membership takes them from
its person when written; a change of the person's is copied onto the
memberships. The existing rows are filled before the triggers change. The
bulk generator writes the copies itself (members/synthetic.py).
"""

from django.db import migrations, models

FILL = """
UPDATE members_membership m
SET date_of_birth = p.date_of_birth, gender = p.gender, ethnicity = p.ethnicity
FROM members_person p WHERE p.id = m.person_id;
"""

TRIGGERS = """
CREATE OR REPLACE FUNCTION members_membership_copies() RETURNS trigger
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
        SELECT province_id FROM organizations_unit WHERE id = NEW.current_cell_id);
    RETURN NEW;
END $$;
DROP TRIGGER membership_copies ON members_membership;
CREATE TRIGGER membership_copies
    BEFORE INSERT OR UPDATE OF person_id, current_cell_id, province_id, search_name,
        date_of_birth, gender, ethnicity
    ON members_membership
    FOR EACH ROW EXECUTE FUNCTION members_membership_copies();

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
    FOR EACH ROW WHEN (
        OLD.date_of_birth IS DISTINCT FROM NEW.date_of_birth
        OR OLD.gender IS DISTINCT FROM NEW.gender
        OR OLD.ethnicity IS DISTINCT FROM NEW.ethnicity)
    EXECUTE FUNCTION members_person_facts_to_memberships();
"""

# members/0014's function and trigger.
UNDO_TRIGGERS = """
DROP TRIGGER person_facts_to_memberships ON members_person;
DROP FUNCTION members_person_facts_to_memberships();
CREATE OR REPLACE FUNCTION members_membership_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_name := COALESCE(
        (SELECT search_name FROM members_person WHERE id = NEW.person_id), '');
    NEW.province_id := (
        SELECT province_id FROM organizations_unit WHERE id = NEW.current_cell_id);
    RETURN NEW;
END $$;
DROP TRIGGER membership_copies ON members_membership;
CREATE TRIGGER membership_copies
    BEFORE INSERT OR UPDATE OF person_id, current_cell_id, province_id, search_name
    ON members_membership
    FOR EACH ROW EXECUTE FUNCTION members_membership_copies();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0020_sort_indexes_with_names"),
        ("organizations", "0005_unit_name_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="membership",
            name="membership_province_name_idx",
        ),
        migrations.AddField(
            model_name="membership",
            name="date_of_birth",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="membership",
            name="ethnicity",
            field=models.CharField(default="", editable=False, max_length=2),
        ),
        migrations.AddField(
            model_name="membership",
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
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                fields=["province", "search_name", "id"],
                include=(
                    "current_cell",
                    "status",
                    "search_given_name",
                    "date_of_birth",
                    "gender",
                    "ethnicity",
                    "admitted_on",
                    "person",
                ),
                name="membership_province_name_idx",
            ),
        ),
    ]
