"""The triggers keeping the province copy (members/0014, 0015, 0031) are
declared beside their models with django-pgtrigger (``province_copy`` and
``province_to_rows`` in members/models.py), so the live definition is read in
one place; pgtrigger installs them after every migrate
(settings.PGTRIGGER_INSTALL_ON_MIGRATE), as it does the history's. This drops
the hand-written ones; undone, they are written again as members/0031 left
them.
"""

from django.db import migrations

DROP = """
DROP TRIGGER membership_copies ON members_membership;
DROP FUNCTION members_membership_copies();
DROP TRIGGER holding_copies ON members_positionholding;
DROP FUNCTION members_holding_copies();
DROP TRIGGER unit_province_to_memberships ON organizations_unit;
DROP FUNCTION members_unit_province_to_memberships();
DROP TRIGGER unit_province_to_holdings ON organizations_unit;
DROP FUNCTION members_unit_province_to_holdings();
"""

RESTORE = """
CREATE FUNCTION members_membership_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.province_id := (
        SELECT province_id FROM organizations_unit WHERE id = NEW.current_cell_id);
    RETURN NEW;
END $$;
CREATE TRIGGER membership_copies
    BEFORE INSERT OR UPDATE OF current_cell_id, province_id ON members_membership
    FOR EACH ROW EXECUTE FUNCTION members_membership_copies();

CREATE FUNCTION members_holding_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.province_id := (
        SELECT province_id FROM organizations_unit WHERE id = NEW.unit_id);
    RETURN NEW;
END $$;
CREATE TRIGGER holding_copies
    BEFORE INSERT OR UPDATE OF unit_id, province_id ON members_positionholding
    FOR EACH ROW EXECUTE FUNCTION members_holding_copies();

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


class Migration(migrations.Migration):
    dependencies = [("members", "0031_drop_list_copies")]

    operations = [migrations.RunSQL(DROP, RESTORE)]
