"""The project package: settings, URLs, the Celery app, and what belongs to no single app.

It is also an installed Django app owning the user model and roles, the city's divisions, the security
audit log and the working-day calendar.
"""

from zaozhuang_titles.celery import app as celery_app

__all__ = ["celery_app"]
