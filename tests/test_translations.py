"""The UI is Chinese by default: every user-facing string has a Chinese and an English translation.

The catalogues are re-extracted from a copy of the source tree (so the working tree is never touched)
and must contain every string, translated and not fuzzy.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    "manage.py",
    "zaozhuang_titles",
    "enterprises",
    "training",
    "applications",
    "reviews",
    "results",
    "surveys",
    "library",
    "consultations",
    "inspections",
    "dashboard",
    "api",
    "templates",
    "locale",
]


def _extract(tmp_path):
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        if os.environ.get("CI"):
            pytest.fail("CI must check the catalogues: GNU gettext is not installed")
        pytest.skip("GNU gettext is not installed (apt-get install gettext)")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, tmp_path / name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zaozhuang_titles.test_settings", "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "-l", "en", "--no-obsolete", "--no-location"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return tmp_path / "locale"


def _problems(po_path):
    with open(po_path, "rb") as handle:
        catalog = read_po(handle)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    return problems


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    return _extract(tmp_path_factory.mktemp("catalogues"))


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_every_string_is_translated(extracted, language):
    problems = _problems(extracted / language / "LC_MESSAGES" / "django.po")
    summary = f"{len(problems)} strings need work in locale/{language} (run `make messages`):\n"
    assert problems == [], summary + "\n".join(problems[:50])


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_committed_catalogue_is_up_to_date(extracted, language):
    """Every string in the code is already in the committed catalogue (`make messages` was run)."""
    committed = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    with open(committed, "rb") as handle:
        known = {message.id for message in read_po(handle) if message.id}
    with open(extracted / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        current = {message.id for message in read_po(handle) if message.id}
    missing = sorted(map(str, current - known))
    assert missing == [], f"{len(missing)} strings are not in locale/{language} yet (run `make messages`)"
