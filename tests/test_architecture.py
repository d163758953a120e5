"""Import directions: the core imports no app, and an app imports only the apps below it.

    zaozhuang_titles (core) ← enterprises ← training ← applications ← reviews ← results

The campaign's service side sits beside them: ``training`` (continuing-education hours) below
``applications``, which reads the recognised hours for its eligibility rule; ``surveys`` and
``consultations`` on ``enterprises``, and ``consultations`` on ``surveys`` too, whose answers it takes up;
``library`` reads an enterprise's staff structure from ``applications``; ``inspections`` draws inspectors
from the expert pool of ``reviews``.

Every module of the project is parsed with ``ast``: top-level and in-function imports, ``import x`` and
``from x import y``, and ``importlib.import_module("literal")`` / ``__import__("literal")``. A failure
lists each offending import as file:line.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What each package of the project may import (besides itself, Django and the libraries).
ALLOWED = {
    "zaozhuang_titles": set(),
    "enterprises": {"zaozhuang_titles"},
    "training": {"enterprises", "zaozhuang_titles"},
    "applications": {"training", "enterprises", "zaozhuang_titles"},
    "reviews": {"applications", "training", "enterprises", "zaozhuang_titles"},
    "results": {"reviews", "applications", "training", "enterprises", "zaozhuang_titles"},
    "surveys": {"enterprises", "zaozhuang_titles"},
    # Turns a questionnaire's answer into a question or a problem; surveys never import consultations.
    "consultations": {"surveys", "enterprises", "zaozhuang_titles"},
    "library": {"applications", "training", "enterprises", "zaozhuang_titles"},
    "inspections": {"reviews", "applications", "training", "enterprises", "zaozhuang_titles"},
    # The API for other systems reads and writes through every app's selectors and services.
    "api": {
        "results",
        "reviews",
        "applications",
        "training",
        "enterprises",
        "zaozhuang_titles",
        "surveys",
        "library",
        "consultations",
        "inspections",
    },
    # The statistics page (统计分析) reads every app's figures; nothing imports it.
    "dashboard": {
        "results",
        "reviews",
        "applications",
        "training",
        "enterprises",
        "zaozhuang_titles",
        "surveys",
        "library",
        "consultations",
        "inspections",
    },
}
#: Packages that sit outside the layers and may import anything.
FREE = {"tests", "benchmarks", "scripts"}
LAYERED = set(ALLOWED)

#: Historical references in applied migrations, which are never edited: (file, imported module).
#: The user's id_number field names its validator where it lived when 0001 was written; the name is a
#: re-export of ``zaozhuang_titles.validators.validate_id_number`` now.
HISTORICAL = {("zaozhuang_titles/migrations/0001_initial.py", "applications.validators")}

SKIPPED_DIRS = {".venv", "node_modules", ".git", "staticfiles", "private_media", "test-artifacts", "__pycache__"}


def imported_modules(source, filename="<string>"):
    """[(line, dotted module name)] of every import in ``source``, wherever it sits in the module."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # A relative import stays inside its own package, which is always allowed.
            if node.level == 0 and node.module:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and _dynamic_import(node):
            found.append((node.lineno, node.args[0].value))
    return sorted(found)


def _dynamic_import(call):
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
    return (
        name in {"import_module", "__import__"}
        and bool(call.args)
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    )


def project_packages():
    """The top-level packages of the project (directories with an ``__init__.py`` beside manage.py)."""
    return sorted(
        path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file() and path.name not in SKIPPED_DIRS
    )


def project_modules(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def violations(packages=None, forbidden=None):
    """["file:line package imports module"] for every import that goes the wrong way.

    ``forbidden`` narrows the check to imports of those packages (for a test about one direction).
    """
    found = []
    for package in packages or sorted(LAYERED):
        if not (ROOT / package).is_dir():
            continue
        for path in project_modules(package):
            relative = path.relative_to(ROOT).as_posix()
            for line, module in imported_modules(path.read_text(encoding="utf-8"), relative):
                top = module.split(".")[0]
                if top == package or top not in LAYERED | FREE:
                    continue
                if (relative, module) in HISTORICAL:
                    continue
                wrong = top in forbidden if forbidden is not None else top not in ALLOWED[package]
                if wrong:
                    found.append(f"{relative}:{line} {package} imports {module}")
    return found


def _report(found):
    for line in found:
        print(line)
    return "Imports against the allowed directions:\n" + "\n".join(found)


def test_imported_modules_sees_every_kind_of_import():
    source = (
        "import enterprises.models\n"
        "from applications.selectors import batches_accepting\n"
        "from . import sibling\n"
        "def later():\n"
        "    from reviews import voting\n"
        "    import importlib\n"
        "    importlib.import_module('results.demo')\n"
        "    return __import__('applications')\n"
    )

    assert imported_modules(source) == [
        (1, "enterprises.models"),
        (2, "applications.selectors"),
        (5, "reviews"),
        (6, "importlib"),
        (7, "results.demo"),
        (8, "applications"),
    ]


def test_every_project_package_has_a_place_in_the_layers():
    unknown = set(project_packages()) - LAYERED - FREE

    assert unknown == set(), f"Say in tests/test_architecture.py what {sorted(unknown)} may import"


def test_every_package_imports_only_the_packages_below_it():
    found = violations()

    assert found == [], _report(found)


def test_core_imports_no_app():
    found = violations(["zaozhuang_titles"], forbidden=LAYERED - {"zaozhuang_titles"})

    assert found == [], _report(found)


def test_enterprises_imports_no_upper_app():
    found = violations(["enterprises"], forbidden={"applications", "reviews", "results"})

    assert found == [], _report(found)


def test_applications_imports_neither_reviews_nor_results():
    found = violations(["applications"], forbidden={"reviews", "results"})

    assert found == [], _report(found)
