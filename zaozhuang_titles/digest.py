"""The staff's daily digest (每日待办提醒): each working day, one notice to each city and district HR
staff member who has not turned it off, listing what has waited too long for them. Nothing is sent to
someone with nothing to be told, nothing on a day off, and nothing twice a day (the notice key
``staff-digest:<user>:<date>``).

What the digest says comes from the apps: an app with something to tell staff ships a ``digest`` module
with ``digest_sections(*, readers, today, now)``, which returns ``{user id: [DigestSection, ...]}`` for
the readers it has something for (applications waiting past their step's time limit, meetings whose
scoring is behind, objections awaiting a decision). The core finds those modules through the app
registry, as ``seed_demo`` finds the demo modules, so it names no app; sections appear in the order of
``INSTALLED_APPS``.

Cost: a fixed number of queries however many staff and applications there are. The readers are read in
one query; each app computes its figures with grouped aggregates over the whole city at once and hands
each reader its share in Python, never a query per reader; the notices are written together
(``notices_create_many``). ``tests/zaozhuang_titles/test_digest.py`` pins the count at one and at many.
"""

import dataclasses
import logging
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _

from zaozhuang_titles.models import Division, Role, RoleAssignment, User
from zaozhuang_titles.notices import notice_build, notices_create_many
from zaozhuang_titles.workdays import WorkingCalendar

logger = logging.getLogger(__name__)

#: The roles the digest goes to.
DIGEST_ROLES = (Role.CITY_STAFF, Role.DISTRICT_STAFF)


@dataclasses.dataclass(frozen=True)
class DigestReader:
    """A staff member the digest goes to, and what it covers: the city's steps for city staff, the
    division's for district staff (a person may be both)."""

    user: User
    city: bool = False
    division: Division | None = None


@dataclasses.dataclass(frozen=True)
class DigestSection:
    """One heading of a digest with its lines, and the page where the reader deals with them."""

    title: str
    lines: tuple
    url: str = ""


def app_modules(name):
    """The ``name`` module of each of the project's apps that has one, in ``INSTALLED_APPS`` order. Only
    the project's own apps (top-level packages beside manage.py) are looked at, never a library's."""
    base = Path(settings.BASE_DIR).resolve()
    return [
        import_module(f"{config.name}.{name}")
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base and module_has_submodule(config.module, name)
    ]


def digest_readers():
    """The active city and district staff who receive the digest (one query), by user id order."""
    readers = {}
    assignments = (
        RoleAssignment.objects.filter(role__in=DIGEST_ROLES, user__is_active=True, user__staff_digest=True)
        .select_related("user", "division")
        .order_by("user_id", "role")
    )
    for assignment in assignments:
        reader = readers.get(assignment.user_id) or DigestReader(user=assignment.user)
        if assignment.role == Role.CITY_STAFF:
            reader = dataclasses.replace(reader, city=True)
        else:
            reader = dataclasses.replace(reader, division=assignment.division)
        readers[assignment.user_id] = reader
    return list(readers.values())


def digest_build(*, today, now=None):
    """``[(reader, [DigestSection, ...])]`` for every reader with something to be told on ``today``."""
    now = now or timezone.now()
    readers = digest_readers()
    if not readers:
        return []
    sections = {reader.user.pk: [] for reader in readers}
    # The core's own ``digest`` module is this one, which tells nothing itself.
    for module in (module for module in app_modules("digest") if hasattr(module, "digest_sections")):
        for user_id, found in module.digest_sections(readers=readers, today=today, now=now).items():
            sections[user_id].extend(section for section in found if section.lines)
    return [(reader, sections[reader.user.pk]) for reader in readers if sections[reader.user.pk]]


def digest_key(user, today):
    return f"staff-digest:{user.pk}:{today:%Y%m%d}"


def digest_text(sections, today):
    """The subject and body of one digest (in the active language)."""
    subject = _("Daily digest of pending work, %(date)s") % {"date": date_format(today, "DATE_FORMAT")}
    parts = []
    for section in sections:
        parts.append(f"{section.title}\n" + "\n".join(f"- {line}" for line in section.lines))
    parts.append(_("You receive this digest on working days. To stop it, turn it off on your Notices page (站内消息)."))
    return subject, "\n\n".join(parts)


def staff_digest_send(*, today=None, now=None):
    """Send today's digest to every staff member with something to be told; returns how many were sent
    now. Nothing on a day that is not a working day (``zaozhuang_titles.workdays``); a second run the
    same day sends nothing new (the key holds the date)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if not WorkingCalendar().is_working_day(today):
        logger.info("no staff digest on %s: not a working day", today)
        return 0
    notices = []
    with translation.override("zh-hans"):
        for reader, sections in digest_build(today=today, now=now):
            subject, body = digest_text(sections, today)
            notices.append(
                notice_build(
                    recipient=reader.user,
                    key=digest_key(reader.user, today),
                    subject=subject,
                    body=body,
                    url=next((section.url for section in sections if section.url), reverse("notices")),
                )
            )
    sent = notices_create_many(notices=notices)
    if sent:
        logger.info("sent the staff digest of %s to %d staff members", today, sent)
    return sent
