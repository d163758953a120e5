"""Tasks that failed for good: recorded from Celery's ``task_failure`` signal, retried by city staff.

Celery sends ``task_failure`` only when a task gives up: an exception its ``autoretry_for`` does not
cover, or the last retry failing. A retry under way sends ``task_retry`` and a task requeued after its
worker was lost (``reject_on_worker_lost``) sends nothing, so every row here is a task that will not
run again by itself. The receiver is connected in ``zaozhuang_titles.celery``.
"""

import json
import logging
import traceback as traceback_module

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zaozhuang_titles.celery import app
from zaozhuang_titles.models import FailedTask

logger = logging.getLogger(__name__)

#: How much of the exception text and of the traceback is kept (the end of a traceback says most).
EXCEPTION_CHARS = 1000
TRACEBACK_CHARS = 4000


def _json_kwargs(kwargs):
    """The task's kwargs as JSON (tasks take IDs only); anything unserialisable is kept as its repr."""
    try:
        return json.loads(json.dumps(kwargs or {}))
    except (TypeError, ValueError):
        return {str(key): repr(value) for key, value in (kwargs or {}).items()}


def failed_task_record(*, task_name, task_id, kwargs, exception, traceback=None):
    """Write one failed task. Never raises: a broken database must not hide the task's own error."""
    excerpt = "".join(traceback_module.format_tb(traceback))[-TRACEBACK_CHARS:] if traceback is not None else ""
    try:
        with transaction.atomic():  # a savepoint: a failed insert must not break a caller's transaction
            return FailedTask.objects.create(
                task_name=task_name[:200],
                task_id=(task_id or "")[:64],
                kwargs=_json_kwargs(kwargs),
                exception=f"{type(exception).__name__}: {exception}"[:EXCEPTION_CHARS],
                traceback=excerpt,
            )
    except Exception:
        logger.exception("could not record the failure of task %s[%s]", task_name, task_id)
        return None


def on_task_failure(sender=None, task_id=None, exception=None, kwargs=None, traceback=None, **extra):
    """The ``task_failure`` receiver."""
    name = getattr(sender, "name", None) or str(sender)
    failed_task_record(task_name=name, task_id=task_id, kwargs=kwargs, exception=exception, traceback=traceback)


def failed_task_retry(*, failed_task, actor):
    """Queue ``failed_task`` again by name with its kwargs, then record who retried it and when.

    Refuses a task name the worker does not know. Queues first and records after: when the broker is
    down its error reaches the caller and nothing is recorded, so staff can try again; the tasks are
    idempotent, so a retry queued twice does no harm."""
    app.loader.import_default_modules()
    task = app.tasks.get(failed_task.task_name)
    if task is None:
        raise ValidationError(
            _("There is no task named “%(name)s” any more; it cannot be retried.") % {"name": failed_task.task_name}
        )
    kwargs = failed_task.kwargs if isinstance(failed_task.kwargs, dict) else {}
    result = task.apply_async(kwargs=kwargs)
    failed_task.retried_at = timezone.now()
    failed_task.retried_by = actor
    failed_task.retry_task_id = (getattr(result, "id", None) or "")[:64]
    failed_task.full_clean()
    failed_task.save(update_fields=["retried_at", "retried_by", "retry_task_id"])
    logger.info("failed task %s (%s) queued again by %s", failed_task.pk, failed_task.task_name, actor.pk)
    return failed_task
