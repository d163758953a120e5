"""Every write of the library: documents and their versions, and the 一企一策 packages.

A new version of a document replaces the current one; the enterprises whose package in hand holds an
earlier version are told through the notice outbox, in the same transaction. A package is built by
the commissioner serving the enterprise from the tag rules' proposals, edited while it is prepared,
sent (its contacts are told) and acknowledged by a contact; each step is logged (``PackageEvent``).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.evidence import inspect_upload
from applications.models import Channel, Level, Series
from library import files
from library.extraction import pdf_text
from library.models import Document, DocumentKind, DocumentVersion, Package, PackageEvent, PackageItem
from library.search import search_text_of
from library.selectors import (
    current_documents,
    holders_of_older_versions,
    latest_sent_package,
    package_in_hand_ids,
    proposals_for,
)
from zaozhuang_titles.notices import notice_build, notices_create_many

TAG_CHOICES = {"series": Series, "levels": Level, "channels": Channel}


def _clean_tags(values, choices, field):
    values = sorted(set(values or []))
    unknown = [value for value in values if value not in choices.values]
    if unknown:
        raise ValidationError({field: _("Unknown tag: %(values)s.") % {"values": ", ".join(unknown)}})
    return values


def _refresh_search_text(document):
    version = document.current_version
    document.search_text = search_text_of(
        document.title, document.summary, version.label if version else "", version.text if version else ""
    )


@transaction.atomic
def document_create(*, actor, kind, title, summary="", visibility, series=(), levels=(), channels=(), version):
    """A new document with its first version (``version``: the arguments of ``document_version_publish``)."""
    document = Document(
        kind=kind, title=(title or "").strip(), summary=summary, visibility=visibility, created_by=actor
    )
    document.series = _clean_tags(series, Series, "series")
    document.levels = _clean_tags(levels, Level, "levels")
    document.channels = _clean_tags(channels, Channel, "channels")
    document.full_clean(exclude=["current_version", "created_by"])
    document._change_reason = "created"
    document._history_user = actor
    document.save()
    document_version_publish(document=document, actor=actor, **version)
    return Document.objects.select_related("current_version").get(pk=document.pk)


@transaction.atomic
def document_update(*, document, actor, title, summary="", visibility, series=(), levels=(), channels=()):
    """Change what describes a document (not its file: that is a new version). Kept in its history."""
    document = Document.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=document.pk)
    document.title = (title or "").strip()
    document.summary = summary
    document.visibility = visibility
    document.series = _clean_tags(series, Series, "series")
    document.levels = _clean_tags(levels, Level, "levels")
    document.channels = _clean_tags(channels, Channel, "channels")
    document.full_clean(exclude=["current_version", "created_by"])
    _refresh_search_text(document)
    document._history_user = actor
    document.save()
    return document


def _checked_file(kind, upload, link):
    """(inspected facts, text of a PDF) of the upload, or refuse what does not fit the kind."""
    if kind == DocumentKind.VIDEO:
        if upload is None and not link:
            raise ValidationError({"file": _("Upload the video as an MP4 file, or give its address on the intranet.")})
        if upload is not None and link:
            raise ValidationError({"link": _("Give either a file or a link, not both.")})
        if upload is None:
            return None, ""
        size, sha256, name = files.inspect_video(upload)
        return {
            "size": size,
            "sha256": sha256,
            "original_name": name,
            "content_type": files.VIDEO_TYPE,
            "ext": "mp4",
        }, ""
    if link:
        raise ValidationError({"link": _("Only a training video may be a link; upload this document as a file.")})
    if upload is None:
        raise ValidationError({"file": _("Upload the document: a PDF file, or a JPEG or PNG image.")})
    inspected = inspect_upload(upload, max_bytes=files.MAX_DOCUMENT_BYTES)
    facts = {
        "size": inspected.size,
        "sha256": inspected.sha256,
        "original_name": inspected.original_name,
        "content_type": inspected.content_type,
        "ext": inspected.extension,
    }
    text = pdf_text(upload) if inspected.extension == "pdf" else ""
    return facts, text


def document_version_publish(
    *, document, actor, effective_from, effective_until=None, label="", change_note="", upload=None, link="", text=""
):
    """Publish a new version of ``document``: it becomes the current one. The file is checked (like
    evidence; a video as MP4), a PDF's text extracted unless staff gave the text. Enterprises whose
    package in hand holds an earlier version are told. Returns the version."""
    try:
        facts, extracted = _checked_file(document.kind, upload, link)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise ValidationError({"file": error.messages}) from None
    given = (text or "").strip()
    with transaction.atomic():
        document = (
            Document.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=document.pk)
        )
        previous = document.current_version
        number = (document.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = DocumentVersion(
            document=document,
            number=number,
            label=label,
            effective_from=effective_from,
            effective_until=effective_until,
            change_note=change_note,
            link=link,
            text=given or extracted,
            text_source=(
                DocumentVersion.TextSource.STAFF
                if given
                else DocumentVersion.TextSource.EXTRACTED
                if extracted
                else DocumentVersion.TextSource.NONE
            ),
            published_by=actor,
        )
        if facts is not None:
            version.original_name = facts["original_name"]
            version.content_type = facts["content_type"]
            version.size = facts["size"]
            version.sha256 = facts["sha256"]
            version.file = "pending"  # the stored name, once the row is known to be valid
        version.full_clean(exclude=["document", "published_by"])
        if facts is not None:
            version.file = files.store_file(upload, facts["ext"])
        version.save()
        document.current_version = version
        _refresh_search_text(document)
        document._history_user = actor
        document._change_reason = f"version {number}"
        document.save()
        if previous is not None:
            _tell_holders(document, version)
    return version


def _tell_holders(document, version):
    """Tell the contacts of each enterprise whose package in hand holds an earlier version."""
    contacts = holders_of_older_versions(document, version)
    if not contacts:
        return 0
    packages = package_in_hand_ids({contact.enterprise_id for contact in contacts})
    notices = []
    for contact in contacts:
        package_id = packages.get(contact.enterprise_id)
        url = reverse("library:package", kwargs={"pk": package_id}) if package_id else ""
        notices.append(
            notice_build(
                recipient=contact.user,
                key=f"library-replaced:{version.pk}:{contact.user_id}",
                subject=_("A document of your policy package has a new version: %(title)s") % {"title": document.title},
                body=_(
                    "%(title)s in the policy package (一企一策) of %(enterprise)s was replaced by version %(number)s "
                    "%(label)s, effective from %(date)s. Open the package to read the new version."
                )
                % {
                    "title": document.title,
                    "enterprise": contact.enterprise.name,
                    "number": version.number,
                    "label": version.label,
                    "date": version.effective_from.isoformat(),
                },
                url=url,
            )
        )
    return notices_create_many(notices=notices)


# --- Packages ------------------------------------------------------------------------------------


def _check_commissioner(enterprise, actor):
    commissioner = enterprise.commissioner
    if commissioner is None or commissioner.user_id != actor.pk:
        raise PermissionDenied(
            _("Only the service commissioner serving %(name)s builds its policy package.") % {"name": enterprise.name}
        )
    return commissioner


@transaction.atomic
def package_start(*, enterprise, actor, today=None):
    """The package being prepared for ``enterprise`` — a new version built from the tag rules'
    proposals and the documents of the package in hand (at their current versions), or the one already
    being prepared. Returns (package, created)."""
    commissioner = _check_commissioner(enterprise, actor)
    existing = Package.objects.filter(enterprise=enterprise, status=Package.Status.DRAFT).first()
    if existing is not None:
        return existing, False
    top = Package.objects.filter(enterprise=enterprise).aggregate(top=Max("version"))["top"] or 0
    try:
        with transaction.atomic():
            package = Package.objects.create(enterprise=enterprise, version=top + 1, commissioner=commissioner)
    except IntegrityError:  # another tab started it at the same moment
        return Package.objects.get(enterprise=enterprise, status=Package.Status.DRAFT), False
    proposals = proposals_for(enterprise, today=today)
    chosen = {document.pk: (document, reason, True) for document, reason in proposals}
    held = latest_sent_package(enterprise.pk)
    if held is not None:
        for item in held.items.all():
            document = item.document
            if document.pk not in chosen and document.current_version_id is not None:
                chosen[document.pk] = (document, _("In the previous package"), False)
    PackageItem.objects.bulk_create(
        PackageItem(
            package=package,
            document=document,
            document_version_id=document.current_version_id,
            proposed=proposed,
            reason=reason[:300],
        )
        for document, reason, proposed in chosen.values()
    )
    PackageEvent.objects.create(
        package=package, action=PackageEvent.Action.CREATED, actor=actor, detail={"documents": sorted(chosen)}
    )
    return package, True


def _locked_draft(package, actor):
    package = (
        Package.objects.select_for_update(of=("self",)).select_related("enterprise__commissioner").get(pk=package.pk)
    )
    _check_commissioner(package.enterprise, actor)
    if package.status != Package.Status.DRAFT:
        raise ValidationError(
            _("Version %(version)s of this package was sent already; start a new version to change it.")
            % {"version": package.version}
        )
    return package


@transaction.atomic
def package_update(*, package, actor, document_ids, note="", today=None):
    """Set the documents (by id, at their current versions) and the note of a package being prepared."""
    package = _locked_draft(package, actor)
    wanted = set(document_ids)
    documents = {document.pk: document for document in current_documents().filter(pk__in=wanted)}
    missing = wanted - set(documents)
    if missing:
        raise ValidationError(
            _("Some chosen documents are no longer in the library; reload the page and choose again.")
        )
    proposals = {document.pk: reason for document, reason in proposals_for(package.enterprise, today=today)}
    items = {item.document_id: item for item in package.items.all()}
    removed = [pk for pk in items if pk not in wanted]
    PackageItem.objects.filter(package=package, document_id__in=removed).delete()
    added = [pk for pk in wanted if pk not in items]
    PackageItem.objects.bulk_create(
        PackageItem(
            package=package,
            document=documents[pk],
            document_version_id=documents[pk].current_version_id,
            proposed=pk in proposals,
            reason=(proposals.get(pk) or _("Added by the commissioner"))[:300],
        )
        for pk in added
    )
    # A document replaced while the package was prepared goes out at its current version.
    for pk, item in items.items():
        if pk in wanted and item.document_version_id != documents[pk].current_version_id:
            PackageItem.objects.filter(pk=item.pk).update(document_version_id=documents[pk].current_version_id)
    package.note = note
    package.full_clean(exclude=["enterprise", "commissioner"])
    package.save(update_fields=["note"])
    PackageEvent.objects.create(
        package=package,
        action=PackageEvent.Action.EDITED,
        actor=actor,
        detail={"added": sorted(added), "removed": sorted(removed)},
    )
    return package


@transaction.atomic
def package_send(*, package, actor):
    """Send a package being prepared to its enterprise: it is fixed from now on, and its contacts told."""
    package = _locked_draft(package, actor)
    if not package.items.exists():
        raise ValidationError(_("Choose at least one document before sending the package."))
    now = timezone.now()
    package.status = Package.Status.SENT
    package.sent_at = now
    package.save(update_fields=["status", "sent_at"])
    PackageEvent.objects.create(package=package, action=PackageEvent.Action.SENT, actor=actor, at=now)
    contacts = package.enterprise.contacts.filter(is_active=True, user__isnull=False).select_related("user")
    url = reverse("library:package", kwargs={"pk": package.pk})
    notices_create_many(
        notices=[
            notice_build(
                recipient=contact.user,
                key=f"library-package-sent:{package.pk}:{contact.user_id}",
                subject=_("Your policy package (一企一策) is ready"),
                body=_(
                    "%(commissioner)s, your service commissioner, has sent %(enterprise)s a policy package "
                    "(version %(version)s) chosen for its staff. Open it, read the documents and confirm receipt."
                )
                % {
                    "commissioner": package.enterprise.commissioner,
                    "enterprise": package.enterprise.name,
                    "version": package.version,
                },
                url=url,
            )
            for contact in contacts
        ]
    )
    return package


@transaction.atomic
def package_acknowledge(*, package, actor):
    """A contact of the enterprise confirms receipt of a sent package (once; later clicks change nothing).
    Returns True when this call recorded it."""
    contact_of = package.enterprise.contacts.filter(user=actor, is_active=True).exists()
    if not contact_of:
        raise PermissionDenied(
            _("Only a contact of %(name)s confirms receipt of its package.") % {"name": package.enterprise.name}
        )
    now = timezone.now()
    updated = Package.objects.filter(pk=package.pk, status=Package.Status.SENT, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=actor
    )
    if updated != 1:
        return False
    PackageEvent.objects.create(package=package, action=PackageEvent.Action.ACKNOWLEDGED, actor=actor, at=now)
    return True
