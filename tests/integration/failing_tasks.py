"""Tasks that exist only for the tests: one that always fails, one whose connection is always lost.

The names start with ``tests.`` so they can never be mistaken for the portal's tasks.
"""

from celery import shared_task

from zaozhuang_titles.tasks import RETRYING

#: Calls of ``lost_connection`` in this process, to count the retries of an eager run.
ATTEMPTS = {"lost_connection": 0}


@shared_task(name="tests.always_fails")
def always_fails(*, notice_id):
    raise ValueError(f"no such thing as notice {notice_id}")


@shared_task(name="tests.lost_connection", **{**RETRYING, "retry_jitter": False})
def lost_connection(*, notice_id):
    ATTEMPTS["lost_connection"] += 1
    raise ConnectionError("connection refused")
