from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Tổ chức đảng")

    def ready(self) -> None:
        # The tree's import kind, uploaded from a unit's page, and the
        # villages', from the imports page.
        from organizations.tree_import import TreeImporter, may_import_tree
        from organizations.tree_spreadsheet import TREE_LABEL
        from organizations.village_import import VillageImporter, may_import_villages
        from organizations.village_spreadsheet import VILLAGES_LABEL
        from partyquality.importing import register

        register(
            TreeImporter,
            TREE_LABEL,
            listed=False,
            may_import=may_import_tree,
            row_header=_("Mã tổ chức"),
        )
        register(
            VillageImporter,
            VILLAGES_LABEL,
            may_import=may_import_villages,
            row_header=_("Mã thôn"),
        )
