from __future__ import annotations

import pytest

from assessments.models import ClassificationRule, Scale, ScaleLevel
from assessments.rules import load_rules
from assessments.scales import load_scales


@pytest.fixture(autouse=True)
def reference_data(db: None) -> None:
    """Scales and rules come from data migrations; a transactional (browser)
    test flushes them for the rest of a --reuse-db run: reload when gone."""
    if not ClassificationRule.objects.exists():
        load_scales(Scale, ScaleLevel)
        load_rules(Scale, ClassificationRule)
