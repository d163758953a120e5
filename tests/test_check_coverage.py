"""scripts/check_coverage.py: every module under the floor is printed and fails the run, unless it is
listed with a reason; exceptions no longer needed are reported."""

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_coverage.py"
_spec = importlib.util.spec_from_file_location("check_coverage", SCRIPT)
check_coverage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_coverage)


def report(**percentages):
    return {
        "files": {
            path.replace("__", "/") + ".py": {"summary": {"percent_covered": p}} for path, p in percentages.items()
        }
    }


def test_check_lists_each_module_under_the_floor_unless_excepted():
    percentages = {"a/views.py": 79.9, "a/models.py": 80.0, "b/pdf.py": 40.0}

    under, stale = check_coverage.check(percentages, floor=80, exceptions={"b/pdf.py": "needs a CJK font"})

    assert under == ["a/views.py: 79.9% < 80%"]
    assert stale == []


def test_check_reports_exceptions_no_longer_needed():
    under, stale = check_coverage.check(
        {"a/views.py": 95.0}, floor=80, exceptions={"a/views.py": "was hard", "gone.py": "removed"}
    )

    assert under == []
    assert stale == [
        "a/views.py: 95.0% reaches the floor; drop its exception (was hard)",
        "gone.py: listed as an exception (removed) but not in the report",
    ]


def test_main_fails_and_prints_the_modules_under_the_floor(tmp_path, capsys):
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps(report(enterprises__views=50.0, enterprises__models=100.0)))

    status = check_coverage.main([str(path)])

    assert status == 1
    assert "  enterprises/views.py: 50.0% < 80%" in capsys.readouterr().out.splitlines()


def test_main_passes_when_every_module_reaches_the_floor(tmp_path, capsys):
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps(report(enterprises__models=100.0)))

    assert check_coverage.main([str(path)]) == 0
    assert "Every module reaches 80% coverage" in capsys.readouterr().out


def test_load_policy_reads_pyproject_and_refuses_an_exception_without_reason(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('[tool.zaozhuang.coverage]\nmodule_floor = 85\nexceptions = {"x.py" = "why"}\n')
    bad = tmp_path / "bad.toml"
    bad.write_text('[tool.zaozhuang.coverage]\nexceptions = {"x.py" = " "}\n')

    assert check_coverage.load_policy(good) == (85.0, {"x.py": "why"})
    with pytest.raises(SystemExit, match=r"x\.py"):
        check_coverage.load_policy(bad)


def test_project_policy_has_the_80_percent_floor():
    floor, exceptions = check_coverage.load_policy()

    assert floor == 80
    assert all(reason.strip() for reason in exceptions.values())
