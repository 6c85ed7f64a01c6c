"""The layers point down: partyquality <- organizations <- members <-
assessments. No module imports a layer above its own, not even inside a
function; settings.py and urls.py name the apps as strings (INSTALLED_APPS,
``include("members.urls")``), never by import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["partyquality", "organizations", "members", "assessments"]


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module an ``import`` statement of ``path`` names, wherever the
    statement is (module level, function, class, ``if TYPE_CHECKING``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def upward_imports(layer: str) -> list[str]:
    above = LAYERS[LAYERS.index(layer) + 1 :]
    found = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for line, module in imported_modules(path):
            if module.split(".")[0] in above:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("layer", LAYERS[:-1])
def test_no_layer_imports_a_layer_above_it(layer) -> None:
    assert upward_imports(layer) == []


def test_the_check_sees_an_import_inside_a_function(tmp_path) -> None:
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from members.models import Person\n")
    assert imported_modules(module) == [(2, "members.models")]
