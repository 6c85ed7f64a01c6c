from django.apps import AppConfig


class PartyQualityConfig(AppConfig):
    name = "partyquality"
    verbose_name = "PartyQuality"
