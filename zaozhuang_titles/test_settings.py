"""Settings for the test suite: fast hashing, tasks inline with errors propagated, mails kept."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("LOG_FORMAT", "text")
os.environ.setdefault("SITE_URL", "http://testserver")

from zaozhuang_titles.settings import *  # noqa: F403

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
