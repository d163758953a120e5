"""SQLite in development does not answer 500 "database is locked" under the portal's own concurrency
(the threaded development server: an autosave beside a page load): WAL, IMMEDIATE transactions and a
busy timeout (settings.SQLITE_OPTIONS). Tried on a file database of its own, not the test database."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections, transaction

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 2
ROUNDS = 40


def test_sqlite_settings_use_wal_immediate_transactions_and_a_busy_timeout(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    script = "from django.conf import settings; import json; print(json.dumps(settings.DATABASES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "zaozhuang_titles.settings"},
        capture_output=True,
        text=True,
        check=True,
    )

    options = json.loads(result.stdout)["OPTIONS"]
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """An extra alias on a SQLite file in tmp_path with the portal's options; one connection per thread."""
    alias = "sqlite_concurrency"
    connections.settings[alias] = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "concurrency.sqlite3"),
        "OPTIONS": dict(settings.SQLITE_OPTIONS),
        "CONN_MAX_AGE": 0,
        "TEST": {},
    }
    with django_db_blocker.unblock():
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
            cursor.execute("INSERT INTO counter (id, value) VALUES (1, 0)")
        connections[alias].close()
        yield alias
    del connections[alias]
    del connections.settings[alias]


def _increment(alias, errors, start):
    """Read then write in one transaction, as a service does: the pattern that deadlocks when deferred."""
    start.wait()
    try:
        for _ in range(ROUNDS):
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT value FROM counter WHERE id = 1")
                (value,) = cursor.fetchone()
                cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
    except Exception as error:  # the test reports whatever a writer met
        errors.append(error)
    finally:
        connections[alias].close()


def test_sqlite_two_threads_writing_at_once_meet_no_database_is_locked(file_database):
    errors, start = [], threading.Barrier(WRITERS)
    threads = [threading.Thread(target=_increment, args=(file_database, errors, start)) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with connections[file_database].cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("SELECT value FROM counter WHERE id = 1").fetchone()[0] == WRITERS * ROUNDS
    connections[file_database].close()
