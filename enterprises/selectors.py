"""Reads of enterprises, each scoped to the user who reads.

``enterprises_for_user`` is the one gate: city staff see every enterprise, district staff those of
their own division, a commissioner the enterprises assigned to it, a contact its own enterprise, anyone
else nothing. It is built from the scopes of ``enterprises.rules``, the same definitions as the object
permissions. Lists, details, exports, counts and statistics all start from it.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, EnterpriseContact, Recognition, ServiceCommissioner, ServiceLog
from enterprises.rules import COMMISSIONER_OF, ENTERPRISE_SCOPES, STAFF_SCOPES
from zaozhuang_titles.scopes import visible

EXPIRING_DAYS = 90


def enterprises_for_user(user):
    """Every enterprise ``user`` may see (a queryset; empty for anybody without a role here)."""
    return visible(Enterprise.objects.all(), user, ENTERPRISE_SCOPES)


def enterprises_for_staff(user):
    """What HR staff see in the registry: city staff everything, district staff their own division."""
    return visible(Enterprise.objects.all(), user, STAFF_SCOPES)


def enterprises_assigned_to(user):
    """The enterprises commissioner ``user`` serves (一企一员)."""
    return visible(Enterprise.objects.all(), user, (COMMISSIONER_OF,))


def enterprise_for_contact(user):
    """The enterprise whose record ``user`` keeps as its contact (企业经办人), or None."""
    if not user or not user.is_authenticated:
        return None
    contact = (
        EnterpriseContact.objects.filter(user=user, is_active=True)
        .select_related("enterprise__division", "enterprise__town")
        .first()
    )
    return contact.enterprise if contact else None


def enterprise_for_chairman(user):
    """The enterprise whose chairman (董事长) ``user`` is, or None."""
    if not user or not user.is_authenticated:
        return None
    return Enterprise.objects.filter(chairman=user).select_related("division", "town").first()


def active_contacts_prefetch():
    return Prefetch(
        "contacts",
        queryset=EnterpriseContact.objects.filter(is_active=True).order_by("id"),
        to_attr="active_contacts",
    )


def with_list_data(queryset, *, today=None):
    """What a list row shows, loaded in a constant number of queries."""
    today = today or timezone.localdate()
    valid = Recognition.objects.filter(enterprise=OuterRef("pk")).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    expired = Recognition.objects.filter(enterprise=OuterRef("pk"), expires_on__lt=today)
    return (
        queryset.select_related("division", "town", "commissioner__user")
        .prefetch_related(Prefetch("recognitions", queryset=Recognition.objects.order_by("-year_granted", "id")))
        .annotate(has_valid_recognition=Exists(valid), has_expired_recognition=Exists(expired))
    )


def filter_enterprises(queryset, *, filters, today=None):
    """Apply the list filters (a dict of cleaned form data) to ``queryset``."""
    today = today or timezone.localdate()
    filters = {key: value for key, value in (filters or {}).items() if value not in (None, "", [])}
    if "q" in filters:
        term = filters["q"].strip()
        queryset = queryset.filter(Q(name__icontains=term) | Q(credit_code__icontains=term.upper()))
    if "division" in filters:
        queryset = queryset.filter(division=filters["division"])
    if "town" in filters:
        queryset = queryset.filter(town=filters["town"])
    if "status" in filters:
        queryset = queryset.filter(status=filters["status"])
    if "is_key" in filters:
        queryset = queryset.filter(is_key=filters["is_key"] == "yes")
    if "commissioner" in filters:
        if filters["commissioner"] == "none":
            queryset = queryset.filter(commissioner__isnull=True)
        else:
            queryset = queryset.filter(commissioner_id=filters["commissioner"])
    recognition = Q()
    if "recognition_kind" in filters:
        recognition &= Q(kind=filters["recognition_kind"])
    if "recognition_level" in filters:
        recognition &= Q(level=filters["recognition_level"])
    if filters.get("expiring"):
        recognition &= Q(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=EXPIRING_DAYS))
    if recognition:
        queryset = queryset.filter(Exists(Recognition.objects.filter(recognition, enterprise=OuterRef("pk"))))
    return queryset


def enterprise_detail(user, pk):
    """One enterprise ``user`` may see, with everything its page shows; raises DoesNotExist otherwise."""
    return (
        enterprises_for_user(user)
        .select_related("division", "town", "commissioner__user", "commissioner__division", "chairman")
        .prefetch_related(
            Prefetch("recognitions", queryset=Recognition.objects.order_by("-year_granted", "id")),
            Prefetch(
                "contacts", queryset=EnterpriseContact.objects.select_related("user").order_by("-is_active", "id")
            ),
        )
        .get(pk=pk)
    )


def enterprises_served_by(user):
    """The enterprises assigned to commissioner ``user``, with their log counts."""
    return with_list_data(
        enterprises_assigned_to(user)
        .annotate(
            log_count=Count("service_logs", distinct=True),
            open_problems=Count(
                "service_logs",
                filter=Q(service_logs__kind=ServiceLog.Kind.PROBLEM, service_logs__solved_on__isnull=True),
                distinct=True,
            ),
        )
        .order_by("name", "id")
    )


def commissioner_for_user(user):
    return ServiceCommissioner.objects.filter(user=user, is_active=True).select_related("division").first()


def commissioners_for_enterprise(enterprise):
    """Commissioners who may serve ``enterprise``: those of its division and those of the whole city."""
    return (
        ServiceCommissioner.objects.filter(is_active=True)
        .filter(Q(division__isnull=True) | Q(division_id=enterprise.division_id))
        .select_related("user", "division")
    )


def service_logs_for_enterprise(enterprise):
    return enterprise.service_logs.select_related("commissioner__user").order_by("-occurred_on", "-id")


def service_logs_for_user(user):
    """Log entries of the enterprises ``user`` may see."""
    return ServiceLog.objects.filter(enterprise__in=enterprises_for_user(user).values("pk"))


def service_figures():
    """The aggregates of the service figures (一企一员), for ``annotate`` or ``aggregate`` over log entries.
    Enterprises served count distinct enterprises with any entry; consultations count people (人次);
    problems solved count problems with a solution date."""
    return {
        "enterprises_served": Count("enterprise", distinct=True),
        "entries": Count("id"),
        "visits": Count("id", filter=Q(kind=ServiceLog.Kind.VISIT)),
        "consultations": Sum("people_count", filter=Q(kind=ServiceLog.Kind.CONSULTATION), default=0),
        "policy_sessions": Count("id", filter=Q(kind=ServiceLog.Kind.POLICY)),
        "problems_raised": Count("id", filter=Q(kind=ServiceLog.Kind.PROBLEM)),
        "problems_solved": Count("id", filter=Q(kind=ServiceLog.Kind.PROBLEM, solved_on__isnull=False)),
    }


def service_by_month(logs):
    """``service_figures`` of the entries ``logs`` per month (``month`` is its first day), oldest first."""
    return list(
        logs.annotate(month=TruncMonth("occurred_on")).values("month").annotate(**service_figures()).order_by("month")
    )


def service_statistics(user, *, date_from=None, date_to=None):
    """The service figures (一企一员, ``service_figures``) over the logs ``user`` may see: totals, by
    commissioner, by division and by month."""
    logs = service_logs_for_user(user)
    if date_from:
        logs = logs.filter(occurred_on__gte=date_from)
    if date_to:
        logs = logs.filter(occurred_on__lte=date_to)
    figures = service_figures()
    totals = logs.aggregate(**figures)
    by_commissioner = list(
        logs.values("commissioner", "commissioner__user__real_name", "commissioner__division__name")
        .annotate(**figures)
        .order_by("commissioner__user__real_name", "commissioner")
    )
    by_division = list(
        logs.values("enterprise__division", "enterprise__division__name")
        .annotate(**figures)
        .order_by("enterprise__division__ordering", "enterprise__division")
    )
    by_month = service_by_month(logs)
    return {"totals": totals, "by_commissioner": by_commissioner, "by_division": by_division, "by_month": by_month}


# --- 一企一档: the archive timeline ------------------------------------------------------------

_TIMELINE_SKIPPED = {"id", "enterprise", "credit_code_override_reason"}


def _display(field, value, names):
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.get_internal_type() == "BooleanField":
        return str(_("Yes") if value else _("No"))
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _related_names(records_by_model):
    """Names of every object a foreign key of the records points at, fetched once per model."""
    wanted = {}
    for model, records in records_by_model:
        for field in model._meta.concrete_fields:
            if field.is_relation and field.name not in _TIMELINE_SKIPPED:
                ids = {getattr(r, field.attname) for r in records} - {None}
                if ids:
                    wanted.setdefault(field.related_model, set()).update(ids)
    names = {}
    for related, ids in wanted.items():
        queryset = related._default_manager.filter(pk__in=ids)
        if related is ServiceCommissioner:
            queryset = queryset.select_related("user")
        elif hasattr(related, "division") and related._meta.model_name == "town":
            queryset = queryset.select_related("division")
        for obj in queryset:
            names[(related, obj.pk)] = str(obj)
    return names


def _as_recorded(model, record):
    """The object as the history ``record`` keeps it, built from the tracked fields alone, for its
    name. ``record.instance`` would also fetch the fields that history leaves out (a recognition's
    ``created_at``) from the live row: one query per record. The left-out fields keep their defaults,
    which no ``__str__`` of these models reads."""
    return model(**{field.attname: getattr(record, field.attname) for field in record.tracked_fields})


def enterprise_timeline(enterprise):
    """The readable change history of an enterprise, its recognitions and contacts (newest first).

    Each entry: when, who, what (the object), the action, and ``changes`` as (field, old, new).
    The commissioner's assignment is a field of the enterprise, so every reassignment shows here."""
    sources = [
        (Enterprise, enterprise.history.all(), _("Enterprise")),
        (Recognition, Recognition.history.filter(enterprise_id=enterprise.pk), _("Recognition")),
        (EnterpriseContact, EnterpriseContact.history.filter(enterprise_id=enterprise.pk), _("Contact")),
    ]
    loaded = [
        (model, list(queryset.select_related("history_user").order_by("history_date", "history_id")), label)
        for model, queryset, label in sources
    ]
    names = _related_names([(model, records) for model, records, _label in loaded])
    actions = {"+": _("created"), "~": _("changed"), "-": _("removed")}
    entries = []
    for model, records, label in loaded:
        fields = [f for f in model._meta.concrete_fields if f.name not in _TIMELINE_SKIPPED]
        previous = {}
        for record in records:
            before = previous.get(record.id)
            changes = []
            for field in fields:
                new = getattr(record, field.attname, None)
                old = getattr(before, field.attname, None) if before is not None else None
                if before is None and new in (None, "", False, 0):
                    continue
                if before is not None and old == new:
                    continue
                changes.append(
                    (
                        str(field.verbose_name),
                        _display(field, old, names) if before is not None else "—",
                        _display(field, new, names),
                    )
                )
            previous[record.id] = record
            if before is not None and not changes and record.history_type == "~":
                continue
            subject = str(label) if model is Enterprise else f"{label} · {_as_recorded(model, record)}"
            entries.append(
                {
                    "at": record.history_date,
                    "user": record.history_user,
                    "subject": subject,
                    "action": actions.get(record.history_type, record.history_type),
                    "changes": changes,
                    "reason": record.history_change_reason or "",
                }
            )
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries
