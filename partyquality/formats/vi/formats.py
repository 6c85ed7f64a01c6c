"""Vietnamese number format, beside Django's own (django/conf/locale/vi),
which has the separators but no grouping size, so 30000 stayed "30000"
wherever a template asks for grouping (``floatformat:"0g"``)."""

NUMBER_GROUPING = 3
