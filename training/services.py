"""Every write of continuing-education hours: a person's entry with its certificate, its withdrawal,
the import of the training platform's workbook, and the staff's recognition or refusal (logged in
``TrainingDecision``)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from training import excel
from training.models import EntryStatus, Source, TrainingDecision, TrainingEntry, TrainingImport
from training.rules import is_own_entry, is_staff_of_entry
from zaozhuang_titles.rules import is_applicant, is_city_admin
from zaozhuang_titles.uploads import clean_name, inspect_upload, store_upload

MAX_REASON = 500


def entry_add(*, person, year, category, hours, course, provider="", certificate):
    """A person enters hours with its certificate (a PDF or image, checked like evidence); staff
    recognise them later. The file is stored only once the entry is valid."""
    if not is_applicant(person):
        raise PermissionDenied(_("Only applicants enter their own hours."))
    inspected = inspect_upload(certificate)
    entry = TrainingEntry(
        person=person,
        year=year,
        category=category,
        hours=hours,
        course=course,
        provider=provider,
        source=Source.CERTIFICATE,
        created_by=person,
        certificate_name=inspected.original_name,
        certificate_type=inspected.content_type,
        certificate_size=inspected.size,
        certificate_sha256=inspected.sha256,
        certificate_storage_name="pending",
    )
    entry.full_clean()
    entry.certificate_storage_name = store_upload(certificate, inspected, folder="training")
    try:
        entry.save()
    except Exception:
        default_storage.delete(entry.certificate_storage_name)
        raise
    return entry


def entry_withdraw(*, entry, actor):
    """The person takes back an entry it made itself, while staff have not decided on it."""
    if not is_own_entry(actor, entry):
        raise PermissionDenied(_("Only the person withdraws its own entry."))
    with transaction.atomic():
        deleted, _rows = TrainingEntry.objects.filter(
            pk=entry.pk, source=Source.CERTIFICATE, status=EntryStatus.PENDING
        ).delete()
        if not deleted:
            raise ValidationError(
                _("Staff have already decided on this entry; it can no longer be withdrawn."), code="decided"
            )
    # The file goes once the row is gone for good: a rolled-back delete keeps both.
    transaction.on_commit(lambda: default_storage.delete(entry.certificate_storage_name))


def entry_decide(*, entry, actor, recognise, reason=""):
    """Recognise (认定) or refuse an entry; a refusal needs the reason, shown to the person. A decision
    may be changed later (a forged certificate found), always with its own log line. Only the status the
    page showed is changed: two staff deciding at once cannot both win."""
    if not is_staff_of_entry(actor, entry):
        raise PermissionDenied(_("Only HR staff in charge of this person recognise its hours."))
    reason = (reason or "").strip()
    target = EntryStatus.RECOGNISED if recognise else EntryStatus.REFUSED
    if not recognise and not reason:
        raise ValidationError({"reason": _("Say why the hours are refused; the person reads it.")}, code="no_reason")
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("Keep the reason within %(max)d characters.") % {"max": MAX_REASON}})
    if entry.status == target:
        raise ValidationError(_("This entry is already %(status)s.") % {"status": EntryStatus(target).label})
    now = timezone.now()
    with transaction.atomic():
        changed = TrainingEntry.objects.filter(pk=entry.pk, status=entry.status).update(
            status=target, decided_by=actor, decided_at=now, reason=reason
        )
        if changed != 1:
            raise ValidationError(
                _("Someone else decided on this entry meanwhile; look at it again."), code="concurrent"
            )
        TrainingDecision.objects.create(
            entry=entry, from_status=entry.status, to_status=target, actor=actor, reason=reason
        )
    entry.status, entry.decided_by, entry.decided_at, entry.reason = target, actor, now, reason
    return entry


def import_recognise_pending(*, training_import, actor, reason=""):
    """Recognise at once every entry of an import still pending (the platform's records are its own
    proof): one log line per entry. Returns how many were recognised."""
    if not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff recognise a whole import."))
    reason = (reason or "").strip()[:MAX_REASON]
    now = timezone.now()
    with transaction.atomic():
        pending = list(
            TrainingEntry.objects.select_for_update()
            .filter(training_import=training_import, status=EntryStatus.PENDING)
            .values_list("pk", flat=True)
        )
        TrainingEntry.objects.filter(pk__in=pending, status=EntryStatus.PENDING).update(
            status=EntryStatus.RECOGNISED, decided_by=actor, decided_at=now, reason=reason
        )
        TrainingDecision.objects.bulk_create(
            TrainingDecision(
                entry_id=pk,
                from_status=EntryStatus.PENDING,
                to_status=EntryStatus.RECOGNISED,
                actor=actor,
                reason=reason,
            )
            for pk in pending
        )
    return len(pending)


def entries_import(*, raw_rows, file_name, actor):
    """Import the platform's rows in one transaction: all rows or none.

    The rows are validated here (``excel.validate_rows``); any problem raises ValidationError with
    every ``Row n: message`` and nothing is written. Imported entries wait for recognition."""
    if not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff import hours."))
    rows, problems = excel.validate_rows(raw_rows)
    if problems:
        raise ValidationError(
            [_("Row %(row)d: %(message)s") % {"row": row, "message": message} for row, message in problems]
        )
    if not rows:
        raise ValidationError(_("The file holds no row of hours."), code="empty")
    try:
        with transaction.atomic():
            return _import_rows(rows, file_name=file_name, actor=actor)
    except IntegrityError:
        # Another import took one of these record numbers between the check and the write.
        raise ValidationError(
            _("Another import added some of these records meanwhile; check the file again."), code="concurrent"
        ) from None


def entries_receive(*, raw_rows, source_name, actor):
    """The training platform sends its records itself (the API, for a client holding ``hours:write``,
    which has checked that ``actor``, the client's account, may): the same checks as its Excel file
    (``excel.validate_rows``), all rows or none, kept as one import named ``source_name``; the entries
    wait for recognition by staff as imported ones do. ``raw_rows`` are ``(number, {column: text})``."""
    rows, problems = excel.validate_rows(raw_rows)
    if problems:
        # Each problem keeps its row number in ``params`` (the API points at the record with it).
        raise ValidationError(
            [
                ValidationError(
                    _("Row %(row)d: %(message)s") % {"row": row, "message": message}, code="row", params={"row": row}
                )
                for row, message in problems
            ]
        )
    if not rows:
        raise ValidationError(_("The file holds no row of hours."), code="empty")
    try:
        with transaction.atomic():
            return _import_rows(rows, file_name=source_name, actor=actor)
    except IntegrityError:
        raise ValidationError(
            _("Another import added some of these records meanwhile; check the file again."), code="concurrent"
        ) from None


def _import_rows(rows, *, file_name, actor):
    training_import = TrainingImport.objects.create(
        file_name=clean_name(file_name), imported_by=actor, row_count=len(rows)
    )
    entries = []
    for row in rows:
        entry = TrainingEntry(
            person=row["person"],
            year=row["year"],
            category=row["category"],
            hours=row["hours"],
            course=row["course"],
            provider=row["provider"],
            platform_record=row["platform_record"],
            source=Source.IMPORTED,
            training_import=training_import,
            created_by=actor,
        )
        # The record numbers and the people were checked for the whole file at once (and the
        # database holds them): no query per row.
        entry.full_clean(
            exclude=["person", "training_import", "created_by"], validate_unique=False, validate_constraints=False
        )
        entries.append(entry)
    TrainingEntry.objects.bulk_create(entries, batch_size=500)
    return training_import
