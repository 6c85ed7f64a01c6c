from __future__ import annotations

from tests.url_cases import CaseBuilder, UrlCase

URL_CASES: dict[str, CaseBuilder] = {
    "home": lambda tree: UrlCase(hidden_text=tree.other_commune.name),
    "organizations:unit_list": lambda tree: UrlCase(
        hidden_text=tree.other_commune.name
    ),
    "organizations:tree": lambda tree: UrlCase(hidden_text=tree.other_commune.name),
    "organizations:tree_children": lambda tree: UrlCase(
        kwargs={"pk": tree.other_commune.pk}
    ),
    "organizations:unit_detail": lambda tree: UrlCase(
        kwargs={"pk": tree.other_commune.pk}
    ),
}
