"""The make targets a newcomer calls work without any environment: they run in development mode.

Each target's recipe is run by make itself, with the Django command replaced by ``manage.py check``
(which loads the settings as the real command would) and the set-up step skipped (``-o setup``), so
that the test installs nothing and writes no database."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args):
    # Nothing of the caller's set-up: no Django variable (DJANGO_SETTINGS_MODULE included), no database,
    # broker or site address, and none of an outer make's flags (`make test` runs this suite).
    unset = ("DJANGO_", "DATABASE_URL", "SITE_URL", "REDIS", "MAKE", "MFLAGS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
    return subprocess.run(
        ["make", "--no-print-directory", "-o", "setup", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("target", ["migrate", "seed", "serve", "messages"])
def test_make_target_loads_the_settings_without_any_environment(target):
    # `#` comments out the rest of the recipe's line: the real command's arguments.
    check = f"{sys.executable} manage.py check && echo DJANGO_DEBUG=$$DJANGO_DEBUG #"
    result = make(target, f"MANAGE={check}", "PY=true")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "DJANGO_SECRET_KEY must be set" not in result.stderr
    assert "System check identified no issues" in result.stdout
    assert "DJANGO_DEBUG=1" in result.stdout


@pytest.mark.parametrize("target", ["worker", "beat"])
def test_make_worker_and_beat_without_redis_say_none_is_needed(target):
    result = make(target)

    assert result.returncode == 0, result.stderr
    assert "REDIS_URL is not set: tasks run inside the web process" in result.stdout


def test_make_check_deploy_stays_in_production_mode():
    result = make("-n", "check-deploy")

    assert "DJANGO_DEBUG=0" in result.stdout
    assert "SITE_URL=https://" in result.stdout
