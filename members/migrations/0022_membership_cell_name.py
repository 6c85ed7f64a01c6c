"""A membership keeps a copy of its current cell's name (Membership.cell_name),
indexed with the person, the id and the folded name, so the member list sorted
by cell walks one index, and a name search in that order checks the words in
it (MemberFilter.NAMES_BESIDE), as the other sorts do (members/0020).

Kept by triggers as the other copies are (members/0014, 0021): a membership
takes it from its cell when written; a renamed unit's name is copied onto the
memberships of that cell. The existing rows are filled before the triggers
change. The bulk generator writes it itself (members/synthetic.py).
"""

from django.db import migrations, models

FILL = """
UPDATE members_membership m SET cell_name = u.name
FROM organizations_unit u WHERE u.id = m.current_cell_id;
"""

FUNCTION = """
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
"""

TRIGGERS = (
    FUNCTION
    + """
DROP TRIGGER membership_copies ON members_membership;
CREATE TRIGGER membership_copies
    BEFORE INSERT OR UPDATE OF person_id, current_cell_id, province_id, search_name,
        date_of_birth, gender, ethnicity, cell_name
    ON members_membership
    FOR EACH ROW EXECUTE FUNCTION members_membership_copies();

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
"""
)

# members/0021's function and trigger.
UNDO_TRIGGERS = """
DROP TRIGGER unit_name_to_memberships ON organizations_unit;
DROP FUNCTION members_unit_name_to_memberships();
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
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0021_membership_person_copies"),
        ("organizations", "0005_unit_name_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="cell_name",
            field=models.CharField(editable=False, max_length=200, null=True),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, UNDO_TRIGGERS),
        # A province's index holds it too: a province officer's search
        # sorted by cell is found then sorted from that index alone.
        migrations.RemoveIndex(
            model_name="membership",
            name="membership_province_name_idx",
        ),
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
                    "cell_name",
                ),
                name="membership_province_name_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                fields=["cell_name", "person", "id"],
                include=("search_name",),
                name="membership_cell_name_idx",
            ),
        ),
    ]
