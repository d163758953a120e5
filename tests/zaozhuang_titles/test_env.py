"""zaozhuang_titles.env: typed environment readers fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from zaozhuang_titles.env import email_config, envbool, envint, envlist

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)])
def test_envbool_reads_common_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("X_FLAG", raw)
    assert envbool("X_FLAG", not value) is value


def test_envbool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe' is not a boolean"):
        envbool("X_FLAG", False)


def test_envint_refuses_non_integers(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "five")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER='five' is not an integer"):
        envint("X_NUMBER", 1)


def test_envint_and_envlist_defaults(monkeypatch):
    monkeypatch.delenv("X_NUMBER", raising=False)
    monkeypatch.setenv("X_LIST", "a.cn, b.cn,,")
    assert envint("X_NUMBER", 7) == 7
    assert envlist("X_LIST") == ["a.cn", "b.cn"]


def test_email_config_smtp_with_starttls():
    config = email_config("smtp://mailer:p%40ss@mail.example.cn:587?tls=1")
    assert config == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.cn",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }


def test_email_config_console_and_bad_scheme():
    assert email_config("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="scheme 'pop3'"):
        email_config("pop3://mail")


def _run_settings(env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "SITE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "zaozhuang_titles.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _run_settings({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_site_url():
    result = _run_settings({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 50, "SITE_URL": ""})

    assert result.returncode != 0
    assert "SITE_URL must be set when DJANGO_DEBUG is off" in result.stderr


def test_site_url_must_be_an_http_address():
    result = _run_settings({"DJANGO_DEBUG": "1", "SITE_URL": "titles.example.cn"})

    assert result.returncode != 0
    assert "SITE_URL='titles.example.cn' must start with http:// or https://" in result.stderr


def test_development_starts_without_site_url_and_secret_key():
    result = _run_settings({"DJANGO_DEBUG": "1", "SITE_URL": ""})

    assert result.returncode == 0, result.stderr


def test_bad_boolean_stops_start_up():
    result = _run_settings({"DJANGO_DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG='perhaps' is not a boolean" in result.stderr


def test_check_deploy_passes_with_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="zaozhuang_titles.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x7Gq2LmN9pR4sT6vW8yZ1aB3cD5eF7gH9jK2mN4pQ6rS8tU0vW",
        DJANGO_ALLOWED_HOSTS="titles.example.cn",
        SITE_URL="https://titles.example.cn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_short_healthz_token_stops_start_up():
    result = _run_settings({"DJANGO_DEBUG": "1", "HEALTHZ_TOKEN": "secret"})
    assert result.returncode != 0
    assert "HEALTHZ_TOKEN must be at least 20 characters" in result.stderr
