from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Đánh giá, xếp loại")

    def ready(self) -> None:
        # The home page and the unit page live below this app (partyquality.hub).
        from assessments import home, unit_hub
        from partyquality.hub import register_home, register_unit

        register_home(home.secretary_section)
        register_home(home.officer_section)
        register_home(home.reader_section)
        register_unit(unit_hub.reviews_section)

        # Members and organizations ask whether a year is closed without
        # importing this app (layers point down): the finder is lent to them.
        from assessments.closed_years import find_closed
        from organizations.closed_years import register

        register(find_closed)

        # The lower apps read what this one keeps through registries, so that
        # no import points up (partyquality <- organizations <- members <-
        # assessments): the person page's classifications, the audit trail's
        # event tables.
        from assessments import audit, selectors
        from members.selectors import CLASSIFICATION_READERS

        CLASSIFICATION_READERS.append(selectors.person_classifications)
        audit.register_event_models()

        # A year's classifications of many organizations from one workbook,
        # on the imports page (partyquality.importing).
        from assessments.board_import import (
            LABEL,
            ClassificationImporter,
            may_import_classifications,
        )
        from partyquality.importing import register as register_import

        register_import(
            ClassificationImporter,
            LABEL,
            may_import=may_import_classifications,
            row_header=_("Chi bộ hoặc đảng viên"),
        )
        # One organization's year, from its review page only.
        from assessments import importing as review_import

        register_import(
            review_import.OrganizationClassificationImporter,
            review_import.LABEL,
            may_import=may_import_classifications,
            listed=False,
            row_header=_("Chi bộ hoặc đảng viên"),
        )
