"""A real Celery worker on the real Redis broker runs the portal's tasks (CI sets REDIS_URL)."""

import os
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from zaozhuang_titles.celery import app
from zaozhuang_titles.tasks import clear_expired_sessions

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker(settings):
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run the Celery integration tests: REDIS_URL is not set")
        pytest.skip("REDIS_URL is not set: no broker for a real worker")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_worker_clears_expired_sessions_through_redis(real_worker):
    expired, alive = SessionStore(), SessionStore()
    expired.create()
    alive.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(hours=1))

    result = clear_expired_sessions.delay()

    assert result.id
    assert wait_for(lambda: not Session.objects.filter(session_key=expired.session_key).exists())
    assert Session.objects.filter(session_key=alive.session_key).exists()


def test_clear_expired_sessions_twice_has_the_effect_of_once(db):
    store = SessionStore()
    store.create()
    Session.objects.update(expire_date=timezone.now() - timedelta(hours=1))
    assert clear_expired_sessions()["sessions"] == 1
    assert clear_expired_sessions()["sessions"] == 0


def test_beat_schedule_names_registered_tasks():
    from django.conf import settings

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
