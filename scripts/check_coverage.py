"""The per-module coverage floor: no module under ``module_floor`` percent unless it is listed, with
its reason, in ``[tool.zaozhuang.coverage] exceptions`` of pyproject.toml.

Reads the JSON report of coverage.py (``pytest --cov --cov-report=json:coverage.json``, or
``coverage json``). Prints each module under the floor and exits with 1 when there is one; an
exception that is no longer needed (the module reaches the floor, or is gone) is reported, not fatal.

    python scripts/check_coverage.py [coverage.json]
"""

import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_policy(pyproject=ROOT / "pyproject.toml"):
    """(floor in percent, {module path: reason}) from pyproject.toml."""
    with open(pyproject, "rb") as handle:
        table = tomllib.load(handle).get("tool", {}).get("zaozhuang", {}).get("coverage", {})
    exceptions = table.get("exceptions", {})
    missing_reason = sorted(path for path, reason in exceptions.items() if not str(reason).strip())
    if missing_reason:
        raise SystemExit(f"Coverage exceptions need a reason: {', '.join(missing_reason)}")
    return float(table.get("module_floor", 80)), exceptions


def module_percentages(report):
    """{module path: percent covered} from a coverage.py JSON report (paths with forward slashes)."""
    return {Path(path).as_posix(): data["summary"]["percent_covered"] for path, data in sorted(report["files"].items())}


def check(percentages, *, floor, exceptions):
    """(lines for modules under the floor, lines for exceptions no longer needed)."""
    under, stale = [], []
    for path, percent in percentages.items():
        if percent < floor and path not in exceptions:
            under.append(f"{path}: {percent:.1f}% < {floor:g}%")
    for path, reason in sorted(exceptions.items()):
        if path not in percentages:
            stale.append(f"{path}: listed as an exception ({reason}) but not in the report")
        elif percentages[path] >= floor:
            stale.append(f"{path}: {percentages[path]:.1f}% reaches the floor; drop its exception ({reason})")
    return under, stale


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    report_path = Path(argv[0] if argv else "coverage.json")
    floor, exceptions = load_policy()
    with open(report_path, encoding="utf-8") as handle:
        percentages = module_percentages(json.load(handle))
    under, stale = check(percentages, floor=floor, exceptions=exceptions)
    for line in stale:
        print(f"note: {line}")
    if under:
        print(f"Modules under the {floor:g}% floor (raise their coverage, or list them with a reason in")
        print("[tool.zaozhuang.coverage] exceptions of pyproject.toml):")
        for line in under:
            print(f"  {line}")
        return 1
    print(f"Every module reaches {floor:g}% coverage ({len(percentages)} modules, {len(exceptions)} exceptions).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
