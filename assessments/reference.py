"""The reviewed reference data shipped in fixtures/, loaded by data migrations
(here, at the top layer: it loads rows of members/ and assessments/).

Scales, review rules, the position catalogue and position standards are rows
that administrators may edit. Each loader takes its models so migrations can
call it with historical models; ``load_reference_data`` calls them all with the
current ones (used by the test suite, whose browser tests flush the database).
"""

from __future__ import annotations


def reference_data_missing() -> bool:
    from assessments.models import ClassificationRule, PositionStandard, Scale
    from members.models import Position

    return not (
        Scale.objects.exists()
        and ClassificationRule.objects.exists()
        and Position.objects.exists()
        and PositionStandard.objects.exists()
    )


def load_reference_data() -> None:
    from assessments.models import (
        ClassificationRule,
        PositionStandard,
        Scale,
        ScaleLevel,
    )
    from assessments.rules import load_rules
    from assessments.scales import load_scales
    from assessments.standards import load_position_standards
    from members.models import Position
    from members.positions import load_positions

    load_scales(Scale, ScaleLevel)
    load_rules(Scale, ClassificationRule)
    load_positions(Position)
    load_position_standards(PositionStandard)
