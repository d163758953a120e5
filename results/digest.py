"""What the staff's daily digest (``zaozhuang_titles.digest``) says about results: objections to the
publicity (异议) still awaiting a decision, told to city staff, who settle them. One grouped query.
"""

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from results.models import Objection
from zaozhuang_titles.digest import DigestSection


def objections_awaiting_decision(*, today):
    """Open objections counted by publicity notice: ``[{"entry__publicity__title", "count", "first_due",
    "overdue"}]``, ``overdue`` those whose settling deadline is before ``today``."""
    return list(
        Objection.objects.filter(status__in=Objection.Status.OPEN_STATES)
        .values("entry__publicity_id", "entry__publicity__title")
        .annotate(count=Count("id"), first_due=Min("deadline"), overdue=Count("id", filter=Q(deadline__lt=today)))
        .order_by("first_due", "entry__publicity_id")
    )


def _line(row):
    values = {
        "publicity": row["entry__publicity__title"],
        "count": row["count"],
        "deadline": date_format(row["first_due"], "DATE_FORMAT"),
        "overdue": row["overdue"],
    }
    if row["overdue"]:
        return _("%(publicity)s: %(count)d awaiting a decision, %(overdue)d of them past their deadline") % values
    return _("%(publicity)s: %(count)d awaiting a decision, the first to be settled by %(deadline)s") % values


def digest_sections(*, readers, today, now):
    if not any(reader.city for reader in readers):
        return {}
    lines = tuple(_line(row) for row in objections_awaiting_decision(today=today))
    if not lines:
        return {}
    section = DigestSection(_("Objections awaiting a decision"), lines, reverse("results:publicity_objections"))
    return {reader.user.pk: [section] for reader in readers if reader.city}
