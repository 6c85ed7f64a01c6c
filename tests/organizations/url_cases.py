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
    "organizations:unit_establish": lambda tree: UrlCase(
        kwargs={"pk": tree.other_commune.pk}, write=True
    ),
    "organizations:unit_rename": lambda tree: UrlCase(
        kwargs={"pk": tree.other_commune.pk}, write=True
    ),
    "organizations:unit_move": lambda tree: UrlCase(
        kwargs={"pk": tree.other_commune.pk}, write=True
    ),
    "organizations:unit_merge": lambda tree: UrlCase(
        kwargs={"pk": tree.other_commune.pk}, write=True
    ),
    "organizations:unit_split": lambda tree: UrlCase(
        kwargs={"pk": tree.other_commune.pk}, write=True
    ),
    "organizations:unit_dissolve": lambda tree: UrlCase(
        kwargs={"pk": tree.other_commune.pk}, write=True
    ),
}
URL_CASES["organizations:unit_tree_import"] = lambda tree: UrlCase(
    kwargs={"pk": tree.other_commune.pk}, write=True
)
URL_CASES["organizations:unit_tree_export"] = lambda tree: UrlCase(
    kwargs={"pk": tree.other_commune.pk}
)
