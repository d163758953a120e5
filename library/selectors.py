"""Reads of the library and of the 一企一策 packages, each scoped to its reader (``library.rules``)."""

from django.db.models import IntegerField, Max, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from applications.models import Application, SkillRecord, TitleRecord
from enterprises.models import EnterpriseContact, Recognition
from enterprises.selectors import enterprises_assigned_to
from library.models import Document, DocumentVersion, Package, PackageEvent, PackageItem, Visibility
from library.proposals import propose, structure_from
from library.rules import INTERNAL_READER_SCOPES, PACKAGE_SCOPES
from library.search import search_documents
from zaozhuang_titles.scopes import union_q, visible

# --- Documents -----------------------------------------------------------------------------------


def documents_for_user(user):
    """The published documents ``user`` may read: the public ones, and the internal ones its scopes
    allow (``library.rules``). Anonymous visitors get the public ones."""
    where = Q(visibility=Visibility.PUBLIC)
    internal = union_q(user, INTERNAL_READER_SCOPES)
    if internal is not None:
        where |= internal
    return Document.objects.filter(where, current_version__isnull=False)


def library_documents(user, *, query="", kind="", level="", channel=""):
    """The library page's list: what ``user`` may read, filtered and searched, with current versions."""
    queryset = documents_for_user(user).select_related("current_version")
    if kind:
        queryset = queryset.filter(kind=kind)
    rows = search_documents(queryset, query)
    documents = list(rows)
    # Tag filters run on the loaded rows: JSON containment is not portable between SQLite and PostgreSQL,
    # and the library is a few hundred documents. An untagged document suits every level and channel.
    if level:
        documents = [d for d in documents if not d.levels or level in d.levels]
    if channel:
        documents = [d for d in documents if not d.channels or channel in d.channels]
    return documents


def document_detail(user, pk):
    """One document ``user`` may read, with its versions (newest first); DoesNotExist otherwise."""
    return (
        documents_for_user(user)
        .select_related("current_version")
        .prefetch_related(Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number")))
        .get(pk=pk)
    )


def document_version(user, pk, number):
    """One version of a document ``user`` may read; DoesNotExist otherwise."""
    return (
        DocumentVersion.objects.filter(document__in=documents_for_user(user).values("pk"))
        .select_related("document")
        .get(document_id=pk, number=number)
    )


def documents_for_staff():
    """Every document, for the staff's list: its current version loaded."""
    return Document.objects.select_related("current_version").order_by("kind", "title", "id")


def document_for_staff(pk):
    return (
        Document.objects.select_related("current_version")
        .prefetch_related(Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number")))
        .get(pk=pk)
    )


def current_documents():
    """Every document with a current version, in the order a package lists them."""
    return Document.objects.filter(current_version__isnull=False).select_related("current_version")


# --- An enterprise's staff structure and the proposals ---------------------------------------------


def enterprise_staff_structure(enterprise, *, today=None):
    """The series, levels and channels of ``enterprise``'s people (``library.proposals``), in four queries."""
    today = today or timezone.localdate()
    applications = (
        Application.objects.filter(enterprise=enterprise)
        .order_by()
        .values_list("batch__series", "batch__level", "batch__channel")
        .distinct()
    )
    # order_by(): the models' default order would join the DISTINCT and return one row per record.
    titles = (
        TitleRecord.objects.filter(profile__enterprise=enterprise).order_by().values_list("series", "level").distinct()
    )
    skills = (
        SkillRecord.objects.filter(profile__enterprise=enterprise).order_by().values_list("level", flat=True).distinct()
    )
    valid = (
        Recognition.objects.filter(enterprise=enterprise)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .exists()
    )
    return structure_from(
        applications=list(applications), titles=list(titles), skills=list(skills), has_valid_recognition=valid
    )


def proposals_for(enterprise, *, today=None):
    """[(document, reason)] the tag rules propose for ``enterprise`` today."""
    today = today or timezone.localdate()
    structure = enterprise_staff_structure(enterprise, today=today)
    return propose(current_documents(), structure, today=today)


# --- Packages ------------------------------------------------------------------------------------


def packages_for_user(user):
    """Every package ``user`` may see (``library.rules.PACKAGE_SCOPES``)."""
    return visible(Package.objects.all(), user, PACKAGE_SCOPES)


def _items_prefetch():
    return Prefetch(
        "items",
        queryset=PackageItem.objects.select_related("document__current_version", "document_version").order_by(
            "document__kind", "document__title", "id"
        ),
    )


def package_detail(user, pk):
    """One package ``user`` may see, with its items, their documents' current versions and its log."""
    return (
        packages_for_user(user)
        .select_related("enterprise__division", "commissioner__user", "acknowledged_by")
        .prefetch_related(
            _items_prefetch(),
            Prefetch("events", queryset=PackageEvent.objects.select_related("actor").order_by("at", "id")),
        )
        .get(pk=pk)
    )


def latest_sent_package(enterprise_id):
    """The package ``enterprise`` holds now (its last sent version), with its items; None before any."""
    return (
        Package.objects.filter(enterprise_id=enterprise_id, status=Package.Status.SENT)
        .select_related("commissioner__user")
        .prefetch_related(_items_prefetch())
        .order_by("-version")
        .first()
    )


def draft_package(enterprise_id):
    return Package.objects.filter(enterprise_id=enterprise_id, status=Package.Status.DRAFT).first()


def served_enterprises_with_packages(user):
    """The enterprises commissioner ``user`` serves, each with its last sent version, whether it was
    acknowledged, and the id of a package being prepared."""
    sent = Package.objects.filter(enterprise=OuterRef("pk"), status=Package.Status.SENT).order_by("-version")
    draft = Package.objects.filter(enterprise=OuterRef("pk"), status=Package.Status.DRAFT)
    return (
        enterprises_assigned_to(user)
        .select_related("division")
        .annotate(
            sent_package_id=Subquery(sent.values("pk")[:1]),
            sent_version=Subquery(sent.values("version")[:1], output_field=IntegerField()),
            sent_acknowledged_at=Subquery(sent.values("acknowledged_at")[:1]),
            draft_package_id=Subquery(draft.values("pk")[:1]),
        )
        .order_by("name", "id")
    )


def holders_of_older_versions(document, new_version):
    """The active contacts (with an account) of the enterprises whose package in hand — their last sent
    one — holds an earlier version of ``document``: who is told that it was replaced."""
    last_sent = (
        Package.objects.filter(enterprise=OuterRef("package__enterprise"), status=Package.Status.SENT)
        .values("enterprise")
        .annotate(top=Max("version"))
        .values("top")
    )
    enterprise_ids = (
        PackageItem.objects.filter(document=document, package__status=Package.Status.SENT)
        .exclude(document_version=new_version)
        .filter(package__version=Subquery(last_sent))
        .values("package__enterprise")
    )
    return list(
        EnterpriseContact.objects.filter(enterprise__in=enterprise_ids, is_active=True, user__isnull=False)
        .select_related("user", "enterprise")
        .order_by("enterprise_id", "id")
    )


def package_in_hand_ids(enterprise_ids):
    """{enterprise id: id of its last sent package} for ``enterprise_ids``."""
    rows = (
        Package.objects.filter(enterprise_id__in=enterprise_ids, status=Package.Status.SENT)
        .values("enterprise_id")
        .annotate(top=Max("version"))
    )
    tops = {row["enterprise_id"]: row["top"] for row in rows}
    if not tops:
        return {}
    q = Q()
    for enterprise_id, version in tops.items():
        q |= Q(enterprise_id=enterprise_id, version=version)
    return dict(Package.objects.filter(q).values_list("enterprise_id", "pk"))
