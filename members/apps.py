from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Đảng viên và cán bộ")

    def ready(self) -> None:
        # The import pages and commands find the people kinds here.
        from members.import_discipline import DisciplineImporter
        from members.import_positions import HoldingImporter, QualificationImporter
        from members.import_residences import ResidenceImporter
        from members.importing import MemberImporter
        from members.spreadsheet_templates import (
            DISCIPLINE,
            HOLDINGS,
            KIND_LABELS,
            MEMBERS,
            QUALIFICATIONS,
            RESIDENCES,
        )
        from organizations.access import can_write
        from partyquality.importing import register

        # Whoever may write in their subtree uploads people.
        for importer, kind in [
            (MemberImporter, MEMBERS),
            (QualificationImporter, QUALIFICATIONS),
            (HoldingImporter, HOLDINGS),
            (DisciplineImporter, DISCIPLINE),
            (ResidenceImporter, RESIDENCES),
        ]:
            register(importer, KIND_LABELS[kind], may_import=can_write)
