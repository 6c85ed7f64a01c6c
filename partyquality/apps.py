from django.apps import AppConfig


class PartyQualityConfig(AppConfig):
    name = "partyquality"
    verbose_name = "PartyQuality"

    def ready(self) -> None:
        from partyquality import lookups  # noqa: F401 — registers ``__any_of``
