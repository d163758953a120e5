"""Settings for the test suite: fast hashing, tasks inline with errors propagated, mails kept."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("LOG_FORMAT", "text")
os.environ.setdefault("SITE_URL", "http://testserver")


def _redis_url_of_worker(url, worker):
    """``make test`` runs the suite in pytest-xdist workers (gw0, gw1, ...), each with a test database of
    its own (pytest-django suffixes its name). They share the machine's Redis, where one worker's
    ``cache.clear()`` or ``purge()`` would empty the other's cache and broker queue, and a worker's Celery
    worker would take the other's tasks, for a database it cannot see. Each gets a Redis database of its
    own instead: the next ones after the URL's (of Redis's 16). A 16th worker would wrap round onto the
    shared database and the first worker's, so more than 15 workers are refused, not left to collide."""
    from urllib.parse import urlsplit, urlunsplit

    from django.core.exceptions import ImproperlyConfigured

    index = int(worker[2:])
    if index >= 15:
        raise ImproperlyConfigured(
            f"Test worker {worker}: Redis has 16 databases, one shared and 15 for workers; run at most 15 "
            "workers (make test TEST_WORKERS=15)."
        )
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base + 1 + index) % 16}"))


#: The machine's Redis as the environment gave it, before a worker took its own database.
SHARED_REDIS_URL = os.environ.get("REDIS_URL", "")
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _redis_url_of_worker(os.environ["REDIS_URL"], _worker)

from zaozhuang_titles.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
STATIC_ROOT = BASE_DIR / "test-artifacts" / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
# Every request computes the statistics (tests pin its queries); the tests of the cache turn it on.
STATISTICS_CACHE_SECONDS = envint("STATISTICS_CACHE_SECONDS", 0)  # noqa: F405
# The whole suite calls the API from one address: the anonymous and personal limits are tried by the
# tests of throttling, which set them low; here they stay out of the way.
API_ANONYMOUS_RATE_PER_MINUTE = envint("API_ANONYMOUS_RATE_PER_MINUTE", 100_000)  # noqa: F405
API_PERSONAL_RATE_PER_MINUTE = envint("API_PERSONAL_RATE_PER_MINUTE", 100_000)  # noqa: F405
