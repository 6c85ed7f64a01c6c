"""The English interface types dates like the Vietnamese one: the same forms
show dd/mm/yyyy in both languages (partyquality.widgets.DayInput)."""

from partyquality.formats.vi.formats import DATE_INPUT_FORMATS  # noqa: F401
