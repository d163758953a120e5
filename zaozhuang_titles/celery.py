"""The Celery application. Broker: REDIS_URL; without one, tasks run in process (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaozhuang_titles.settings")

app = Celery("zaozhuang_titles")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
