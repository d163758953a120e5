"""What the portal exports of the registry (``zaozhuang_titles.exports``): enterprises, in the import's
columns (``enterprises.excel``) plus status, commissioner and eligibility, so an export can be corrected
and sent back; the commissioners' service log (服务台账); and the staff list (企业名录) as a list to
export with its filters. Admin's changelists of both are sources too (``ExportAdminMixin``).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.excel import COLUMNS, EXPORT_EXTRA, KIND_EXPORT, LEVEL_EXPORT, TIER_EXPORT
from enterprises.forms import staff_filter_form
from enterprises.models import Enterprise, EnterpriseContact, Recognition, ServiceLog
from enterprises.selectors import enterprises_for_staff, filter_enterprises
from zaozhuang_titles.exports import (
    Column,
    ExportRefused,
    Part,
    Source,
    date_of,
    describe,
    form_pairs,
    label_of,
    register_kind,
    register_source,
)
from zaozhuang_titles.rules import is_hr_staff

HEADERS = dict(COLUMNS + EXPORT_EXTRA)


def _recognitions_and_contacts(rows):
    """Per enterprise of the chunk: its latest recognition (as the registry lists them), whether any is valid
    today (专项通道资格), and its first active contact. Two queries a chunk."""
    ids = [row["pk"] for row in rows]
    today = timezone.localdate()
    latest, eligible = {}, set()
    recognitions = Recognition.objects.filter(enterprise_id__in=ids).order_by("enterprise_id", "-year_granted", "id")
    for recognition in recognitions.only(
        "enterprise_id", "kind", "level", "year_granted", "certificate_number", "expires_on", "policy_version"
    ):
        latest.setdefault(recognition.enterprise_id, recognition)
        if recognition.is_valid(today):
            eligible.add(recognition.enterprise_id)
    contacts = {}
    for contact in (
        EnterpriseContact.objects.filter(enterprise_id__in=ids, is_active=True)
        .order_by("enterprise_id", "id")
        .values("enterprise_id", "name", "mobile", "email")
    ):
        contacts.setdefault(contact["enterprise_id"], contact)
    for row in rows:
        recognition = latest.get(row["pk"])
        contact = contacts.get(row["pk"], {})
        row["recognition_kind"] = KIND_EXPORT.get(recognition.kind, "") if recognition else ""
        row["recognition_level"] = LEVEL_EXPORT.get(recognition.level, "") if recognition else ""
        row["year_granted"] = recognition.year_granted if recognition else ""
        row["certificate_number"] = recognition.certificate_number if recognition else ""
        row["expires_on"] = recognition.expires_on.isoformat() if recognition and recognition.expires_on else ""
        row["policy_version"] = recognition.policy_version if recognition else ""
        row["contact_name"] = contact.get("name", "")
        row["contact_mobile"] = contact.get("mobile", "")
        row["contact_email"] = contact.get("email", "")
        row["eligible"] = "是" if row["pk"] in eligible else "否"


register_kind(
    "enterprises",
    label=gettext_lazy("Enterprises"),
    parts=[
        Part(
            fields=(
                "name",
                "credit_code",
                "legal_representative",
                "chairman_name",
                "address",
                "division__name",
                "town__name",
                "industry",
                "professional_staff_count",
                "is_key",
                "service_tier",
                "status",
                "commissioner__user__real_name",
                "commissioner__user__username",
            ),
            lookup=_recognitions_and_contacts,
            columns=(
                Column(HEADERS["name"], "name", width=36),
                Column(HEADERS["credit_code"], "credit_code", width=22),
                Column(HEADERS["legal_representative"], "legal_representative", width=12),
                Column(HEADERS["chairman_name"], "chairman_name", width=12),
                Column(HEADERS["address"], "address", width=36),
                Column(HEADERS["division"], "division__name", width=10),
                Column(HEADERS["town"], lambda row: row["town__name"] or ""),
                Column(HEADERS["industry"], "industry"),
                Column(HEADERS["professional_staff_count"], "professional_staff_count"),
                Column(HEADERS["is_key"], lambda row: "是" if row["is_key"] else "否", width=8),
                Column(HEADERS["service_tier"], lambda row: TIER_EXPORT.get(row["service_tier"], ""), width=8),
                Column(HEADERS["recognition_kind"], "recognition_kind", width=18),
                Column(HEADERS["recognition_level"], "recognition_level", width=8),
                Column(HEADERS["year_granted"], "year_granted", width=8),
                Column(HEADERS["certificate_number"], "certificate_number", width=18),
                Column(HEADERS["expires_on"], "expires_on", width=12),
                Column(HEADERS["policy_version"], "policy_version", width=20),
                Column(HEADERS["contact_name"], "contact_name", width=10),
                Column(HEADERS["contact_mobile"], "contact_mobile", personal="mobile", width=13),
                Column(HEADERS["contact_email"], "contact_email", width=22),
                Column(HEADERS["status"], label_of(Enterprise.Status, "status"), width=10),
                Column(
                    HEADERS["commissioner"],
                    lambda row: row["commissioner__user__real_name"] or row["commissioner__user__username"] or "",
                    width=10,
                ),
                Column(HEADERS["eligible"], "eligible", width=10),
            ),
        )
    ],
)

register_kind(
    "service_logs",
    label=gettext_lazy("Service log"),
    parts=[
        Part(
            fields=(
                "occurred_on",
                "kind",
                "enterprise__name",
                "enterprise__credit_code",
                "enterprise__division__name",
                "commissioner__user__real_name",
                "people_count",
                "summary",
                "solution",
                "solved_on",
            ),
            columns=(
                Column(gettext_lazy("Date"), date_of("occurred_on"), width=12),
                Column(gettext_lazy("Kind"), label_of(ServiceLog.Kind, "kind"), width=16),
                Column(gettext_lazy("Enterprise"), "enterprise__name", width=32),
                Column(gettext_lazy("Unified social credit code"), "enterprise__credit_code", width=20),
                Column(gettext_lazy("Division"), "enterprise__division__name", width=10),
                Column(gettext_lazy("Commissioner"), "commissioner__user__real_name", width=10),
                Column(gettext_lazy("People (人次)"), "people_count", width=8),
                Column(gettext_lazy("What happened"), "summary", width=40),
                Column(gettext_lazy("How it was solved"), "solution", width=40),
                Column(gettext_lazy("Solved on"), date_of("solved_on"), width=12),
            ),
        )
    ],
)


def _staff_list(user, params):
    """The registry as its staff list shows it to ``user`` with these filters (name order)."""
    if not is_hr_staff(user):
        raise ExportRefused(_("You may not export the enterprise registry."))
    form = staff_filter_form(user, params or None)
    queryset = enterprises_for_staff(user)
    if form.is_bound and form.is_valid():
        queryset = filter_enterprises(queryset, filters=form.cleaned_data)
    return queryset.order_by("name", "id"), describe(form_pairs(form) if form.is_bound else [])


def _staff_list_url(params):
    url = reverse("enterprises:list")
    return f"{url}?{params.urlencode()}" if params else url


register_source(Source(name="enterprises.list", kind="enterprises", select=_staff_list, back_url=_staff_list_url))
