"""Vietnamese number format, beside Django's own (django/conf/locale/vi),
which has the separators but no grouping size, so 30000 stayed "30000"
wherever a template asks for grouping (``floatformat:"0g"``)."""

NUMBER_GROUPING = 3

# Dates are typed as Vietnamese documents write them, dd/mm/yyyy (DOMAIN.md §8);
# Django's vi locale sets none, so the US default read "05/12/2026" as 12 May.
# ISO stays accepted for links and files that carry it.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
