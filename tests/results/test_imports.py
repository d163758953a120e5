"""The results sit on top: ``applications`` and ``reviews`` never import ``results``, and
``applications`` no longer imports ``reviews`` (its publicity and filing code, which did, moved here)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_apps(app):
    """The top-level packages each module of ``app`` imports, as (module path, package) pairs."""
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {(str(path.relative_to(ROOT)), alias.name.split(".")[0]) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add((str(path.relative_to(ROOT)), node.module.split(".")[0]))
    return found


@pytest.mark.parametrize(
    ("app", "forbidden"),
    [("applications", {"results", "reviews"}), ("reviews", {"results"}), ("enterprises", {"results"})],
)
def test_lower_apps_do_not_import_results(app, forbidden):
    wrong = sorted((module, package) for module, package in imported_apps(app) if package in forbidden)

    assert wrong == []
