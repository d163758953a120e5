"""Fault tests: their own ``redis-server`` on a spare loopback port (never the machine's shared one on
6379), Celery pointed at it for one test, real workers (in a thread, or a subprocess to be killed).

Every test here is marked ``integration``. Without the ``redis-server`` binary the tests skip, except
under CI (env ``CI`` set), where that is a failure.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zaozhuang_titles.celery import app

INTEGRATION_DIR = Path(__file__).resolve().parent
PROJECT_DIR = INTEGRATION_DIR.parent.parent
#: Spare loopback ports tried in turn; 6379 (the shared instance) is never among them.
PORTS = range(6390, 6490)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if INTEGRATION_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.integration)


def need(condition, reason):
    """Skip when ``condition`` is false, except under CI, where the test must run: fail then."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set: {reason}")
    pytest.skip(reason)


def wait_for(condition, seconds=20, step=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


def _port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class RedisServer:
    """A throw-away redis-server without persistence: killing it loses whatever it held."""

    def __init__(self, binary, tmp_path):
        self.binary = binary
        self.dir = tmp_path
        self.port = None
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self):
        ports = [self.port] if self.port else [port for port in PORTS if _port_is_free(port)]
        for port in ports:
            self.process = subprocess.Popen(
                [
                    *(self.binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
                    *("--daemonize", "no", "--dir", str(self.dir), "--logfile", str(self.dir / f"redis-{port}.log")),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.port = port
            if wait_for(self._answers, seconds=5):
                return self
            self.process.kill()  # another test took the port first: try the next one
            self.process.wait()
        raise RuntimeError(f"could not start redis-server on any of the ports {ports[0]}-{ports[-1]}")

    def _answers(self):
        import redis

        if self.process.poll() is not None:
            return False
        try:
            return self.client().ping()
        except redis.RedisError:
            return False

    def kill(self):
        """SIGKILL: no shutdown, no save; the queued messages are gone."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    binary = shutil.which("redis-server")
    need(binary, "redis-server is not installed: the fault tests start their own (apt-get install redis-server)")
    server = RedisServer(binary, tmp_path).start()
    yield server
    server.kill()


def _reset_producer_pools():
    """Forget the connections to the previous broker: the app's pools and kombu's registry of pools,
    keyed by URL (a port used again by a later test must not find a pool closed by an earlier one)."""
    from kombu import pools

    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None
    pools.reset()


@contextlib.contextmanager
def celery_broker(url, **transport_options):
    """Point the portal's Celery app at ``url`` for the block: tasks are sent to the broker, not run in
    process. ``transport_options`` go to kombu (a short ``visibility_timeout`` for redelivery tests)."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {**saved["broker_transport_options"], **transport_options}
    _reset_producer_pools()
    try:
        yield
    finally:
        for key, value in saved.items():
            app.conf[key] = value
        _reset_producer_pools()


@pytest.fixture
def database_url_for_subprocess(transactional_db):
    """A DATABASE_URL that another process can use to reach the test database (PostgreSQL only: the
    SQLite test database lives in this process's memory)."""
    from django.db import connection

    settings = connection.settings_dict
    need(
        connection.vendor == "postgresql",
        "a worker process needs a database it can reach: run with DATABASE_URL=postgres://... (CI does)",
    )
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


class WorkerProcess:
    """``celery worker`` in its own process (solo pool, or prefork with one child), with the settings of
    ``worker_settings``."""

    def __init__(self, *, broker_url, database_url, mail_dir, pause_file=None, log_path, pool="solo"):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.integration.worker_settings",
            "DATABASE_URL": database_url,
            "TEST_BROKER_URL": broker_url,
            "TEST_MAIL_DIR": str(mail_dir),
            "TEST_MAIL_PAUSE_FILE": str(pause_file or ""),
            "PYTHONPATH": str(PROJECT_DIR),
        }
        self.log_path = log_path
        self.pool = pool
        self.process = None

    def start(self):
        command = [sys.executable, "-m", "celery", "-A", "zaozhuang_titles", "worker", "--pool", self.pool]
        command += ["--concurrency", "1"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"]
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, cwd=PROJECT_DIR, env=self.env, stdout=self.log, stderr=self.log)
        return self

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.log.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self.log.closed:
            self.log.close()
