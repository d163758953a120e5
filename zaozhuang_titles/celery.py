"""The Celery application. Broker: REDIS_URL; without one, tasks run in process (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaozhuang_titles.settings")

app = Celery("zaozhuang_titles")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _connect_failure_receiver():
    """Record every task that fails for good (``zaozhuang_titles.failed_tasks``), in workers and in
    eager mode alike. Connected here, where the app is made, so every process that runs tasks has it."""
    from celery.signals import task_failure

    def receiver(sender=None, **kwargs):
        from zaozhuang_titles.failed_tasks import on_task_failure

        on_task_failure(sender=sender, **kwargs)

    task_failure.connect(receiver, weak=False, dispatch_uid="zaozhuang_titles.failed_tasks")


_connect_failure_receiver()
