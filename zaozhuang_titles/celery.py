"""The Celery application. Broker: REDIS_URL; without one, tasks run in process (see settings).

Tasks that fail after their last retry are recorded as ``FailedTask`` rows (the receiver below), which
city staff see and retry in admin."""

import os

from celery import Celery
from celery.signals import task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaozhuang_titles.settings")

app = Celery("zaozhuang_titles")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_failure.connect(weak=False, dispatch_uid="zaozhuang_titles.failed_tasks")
def record_failed_task(sender=None, **kwargs):
    """Record a task that failed for good, for staff (``zaozhuang_titles.failed_tasks``). Connected where
    the app is made, so that every worker has it. Tasks run in process with errors propagated (the
    development default without a broker) raise to their caller instead and send no signal."""
    # deferred: this module loads with the package, before Django's apps (and FailedTask) are ready
    from zaozhuang_titles.failed_tasks import on_task_failure

    on_task_failure(sender=sender, **kwargs)
