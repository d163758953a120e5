"""Settings of a Celery worker process started by the fault tests: the test settings, with tasks sent
to the test's own Redis (``TEST_BROKER_URL``, a 2-second visibility timeout so that a killed worker's
task is delivered again quickly) and emails written as files (``tests.integration.mail``)."""

import os

from zaozhuang_titles.test_settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["TEST_BROKER_URL"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
EMAIL_BACKEND = "tests.integration.mail.FileMailServer"
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
