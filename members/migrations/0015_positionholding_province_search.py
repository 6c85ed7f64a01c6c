"""The cadre list reads holdings by their own copies (PositionHolding.province,
.search_name), as the member list reads memberships (members/0014).

A holding copies the province its unit is placed in and its person's folded
name; triggers keep them, whatever writes the rows: a holding takes both when
its person or unit changes, a rename of the person and a re-placing of a unit
(``organizations.tree.place_in_provinces``) are copied onto the holdings. The
bulk generator, which loads with triggers off, writes the copies itself
(members/synthetic.py). With them the country's ~100,000 holdings are searched
and sorted without joining the 5 million people (bench/RESULTS.md).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

import partyquality.search

TRIGGERS = """
CREATE FUNCTION members_holding_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_name := COALESCE(
        (SELECT search_name FROM members_person WHERE id = NEW.person_id), '');
    NEW.province_id := (
        SELECT province_id FROM organizations_unit WHERE id = NEW.unit_id);
    RETURN NEW;
END $$;
CREATE TRIGGER holding_copies
    BEFORE INSERT OR UPDATE OF person_id, unit_id, province_id, search_name
    ON members_positionholding
    FOR EACH ROW EXECUTE FUNCTION members_holding_copies();

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

CREATE FUNCTION members_unit_province_to_holdings() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_positionholding SET province_id = NEW.province_id
    WHERE unit_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_province_to_holdings
    AFTER UPDATE OF province_id ON organizations_unit
    FOR EACH ROW WHEN (OLD.province_id IS DISTINCT FROM NEW.province_id)
    EXECUTE FUNCTION members_unit_province_to_holdings();
"""

DROP_TRIGGERS = """
DROP TRIGGER unit_province_to_holdings ON organizations_unit;
DROP FUNCTION members_unit_province_to_holdings();
DROP TRIGGER person_name_to_holdings ON members_person;
DROP FUNCTION members_person_name_to_holdings();
DROP TRIGGER holding_copies ON members_positionholding;
DROP FUNCTION members_holding_copies();
"""

# The existing rows, in one statement before the triggers exist.
COPY_TO_HOLDINGS = """
UPDATE members_positionholding h
SET search_name = p.search_name,
    province_id = (SELECT province_id FROM organizations_unit WHERE id = h.unit_id)
FROM members_person p WHERE p.id = h.person_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0014_membership_province_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="positionholding",
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
            model_name="positionholding",
            name="search_name",
            field=models.TextField(db_collation="C", default="", editable=False),
        ),
        migrations.RunSQL(COPY_TO_HOLDINGS, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.AddField(
            model_name="positionholding",
            name="search_given_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=partyquality.search.LastWord(models.F("search_name")),
                output_field=models.TextField(db_collation="C"),
            ),
        ),
        migrations.AddIndex(
            model_name="positionholding",
            index=models.Index(fields=["search_name", "id"], name="holding_name_idx"),
        ),
        migrations.AddIndex(
            model_name="positionholding",
            index=models.Index(
                fields=["province", "search_name", "id"],
                name="holding_province_name_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="positionholding",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector(
                    "search_name", config="simple"
                ),
                name="holding_name_words",
            ),
        ),
        migrations.RunSQL("ANALYZE members_positionholding", migrations.RunSQL.noop),
    ]
