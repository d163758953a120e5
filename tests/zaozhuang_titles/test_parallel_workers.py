"""``make test`` runs the suite in pytest-xdist workers: each has a test database and a Redis database of
its own, so that one worker's cache flush, queue purge or Celery worker never touches another's."""

import os

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from zaozhuang_titles.test_settings import _redis_url_of_worker


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "gw0", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/0", "gw1", "redis://127.0.0.1:6379/2"),
        ("redis://127.0.0.1:6379", "gw0", "redis://127.0.0.1:6379/1"),
        ("redis://:secret@cache.example:6380/9", "gw3", "redis://:secret@cache.example:6380/13"),
        ("redis://127.0.0.1:6379/15", "gw0", "redis://127.0.0.1:6379/0"),
    ],
)
def test_each_worker_gets_the_next_redis_database(url, worker, expected):
    assert _redis_url_of_worker(url, worker) == expected


def test_workers_never_share_a_redis_database_and_a_sixteenth_is_refused():
    urls = {_redis_url_of_worker("redis://127.0.0.1:6379/3", f"gw{index}") for index in range(15)}
    assert len(urls) == 15 and "redis://127.0.0.1:6379/3" not in urls
    with pytest.raises(ImproperlyConfigured, match="at most 15 workers"):
        _redis_url_of_worker("redis://127.0.0.1:6379/3", "gw15")


@pytest.mark.skipif("PYTEST_XDIST_WORKER" not in os.environ, reason="the suite runs in one process")
@pytest.mark.django_db
def test_this_worker_has_a_database_and_a_broker_of_its_own():
    worker = os.environ["PYTEST_XDIST_WORKER"]
    if connection.vendor == "postgresql":
        assert connection.settings_dict["NAME"].endswith(f"_{worker}")
    if settings.REDIS_URL:
        # The cache and the broker follow the worker's URL, not the machine's shared database.
        assert settings.CACHES["default"]["LOCATION"] == settings.CELERY_BROKER_URL == settings.REDIS_URL
        assert settings.REDIS_URL != settings.SHARED_REDIS_URL
