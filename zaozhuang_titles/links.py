"""Absolute links to the portal (mails, certificate QR codes), from ``SITE_URL`` or the request.

Production sets ``SITE_URL`` (settings refuse to start without it), and every link uses it: the Host
header of a request is not trusted to name the portal. Development may leave it empty; a link is then
built from the request that caused it, so a development server on another port than 8000 prints QR
codes that point to itself. Work done without a request (a periodic task) falls back to the address of
``make run``.
"""

from django.conf import settings

#: The address of ``make run``: the last resort in development, when there is neither setting nor request.
DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"


def site_url(request=None):
    """The portal's absolute address without a trailing slash, e.g. ``https://titles.example.cn``."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return DEVELOPMENT_SITE_URL


def absolute_url(path, *, request=None, base=None):
    """``path`` (from ``reverse``) as an absolute URL; ``base`` is a ``site_url`` taken earlier (by a task)."""
    return f"{base or site_url(request)}{path}"
