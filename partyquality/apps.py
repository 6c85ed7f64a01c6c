from django.apps import AppConfig


class PartyQualityConfig(AppConfig):
    name = "partyquality"
    verbose_name = "PartyQuality"

    def ready(self) -> None:
        from django.db.models import fields
        from django.utils.translation import gettext_lazy as _

        from partyquality import lookups  # noqa: F401 — registers ``__any_of``

        # Django 6.1's blank choice of a select ("- Select an option -") has
        # no Vietnamese translation in Django; 6.1 lets an app's ready() set it.
        fields.BLANK_CHOICE_LABEL = _("— Chọn —")
