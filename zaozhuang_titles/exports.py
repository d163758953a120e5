"""Excel exports of filtered lists (导出 Excel): the mechanism. Each app declares what it exports.

An app says in its ``exports.py`` (found through the app registry, as the demo's modules are):

- the **kinds** of rows it exports (``register_kind``): columns, the fields they read with ``values()``,
  and per chunk of rows one bulk lookup for what a join cannot give (an enterprise's recognitions, an
  application's scores). An app above may add a part to a kind below it (``extend_kind``): reviews adds
  the scores, votes and result to the applications kind, which the applications app cannot import;
- the **sources** (``register_source``): a list with filters, as a function of the user and the list's
  query parameters that gives the scoped, filtered, ordered queryset the list shows and its filter in
  words. Every admin changelist with ``ExportAdminMixin`` (``zaozhuang_titles.admin``) is a source
  exporting exactly ``ChangeList.get_queryset``, scoped as the admin scopes it.

``export_start`` counts the rows and records the ``Export`` with its audit event (filter, parameters, row
count) in one transaction; a list of at most ``EXPORT_IN_REQUEST_MAX_ROWS`` rows is built at once, a longer
one by the ``zaozhuang_titles.build_export`` task queued on commit, whose progress the export's page polls.
A list without rows is refused with a message (no file). The task runs with the asker's account as it is
then: the same source, parameters and scope, re-read.

``export_build`` streams: rows read with ``values().iterator(chunk_size=CHUNK_ROWS)``, each part's lookup
once per chunk (a fixed number of queries per chunk, none per row), written to an openpyxl write-only
workbook through ``zaozhuang_titles.excel.write_row`` (text that looks like a formula stays text), into a
temporary file moved into the default storage (private media) only once complete. A build that fails
leaves a failed export with its reason in words and no file: half a file is never served. ID numbers and
mobile numbers are masked (``zaozhuang_titles.masking``) unless the user may see them whole (the
``zaozhuang_titles.view_full_id_number`` rule, as on the application's page). Files are removed
``EXPORT_KEEP_DAYS`` after they were asked for (``exports_purge_expired``, by beat); the rows stay.
"""

import contextlib
import itertools
import logging
import operator
import secrets
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.excel import write_row
from zaozhuang_titles.masking import mask_id_number, mask_mobile
from zaozhuang_titles.models import AuditEvent, Export
from zaozhuang_titles.rules import EXPORT_SCOPES
from zaozhuang_titles.scopes import visible

logger = logging.getLogger(__name__)

#: Rows read, looked up and written at a time: memory holds one chunk, whatever the list's length.
CHUNK_ROWS = 2000
#: Who may see whole ID numbers and mobile numbers (the application's page asks the same).
FULL_NUMBERS_PERMISSION = "zaozhuang_titles.view_full_id_number"
#: Query parameters that say which page of a list, not which rows.
PAGE_PARAMS = frozenset({"after", "before", "page", "p", "e", "csrfmiddlewaretoken"})
MASKS = {"id_number": mask_id_number, "mobile": mask_mobile}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportRefused(Exception):
    """The export cannot be made as asked; the message says why and what to do, for the user."""


# --- What is exported: kinds, parts, columns -----------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column: its header, how its value is read from a row (a key of the row's dict, or a function
    of the row), whether it is a personal number (``"id_number"`` or ``"mobile"``, masked for users who
    may not see it whole) and its width in characters."""

    header: object
    value: object
    personal: str = ""
    width: int = 14

    @property
    def reader(self):
        return operator.itemgetter(self.value) if isinstance(self.value, str) else self.value


@dataclass(frozen=True)
class Part:
    """Columns of a kind with what they read: ``fields`` through ``values()`` of the listed queryset, and
    ``lookup(rows)``, called once per chunk with the chunk's row dicts, which adds keys to them in a fixed
    number of queries. ``shown_to`` (a predicate on the user) limits the part to some readers."""

    columns: tuple
    fields: tuple = ()
    lookup: object = None
    shown_to: object = None


@dataclass(frozen=True)
class Kind:
    name: str
    label: object
    parts: tuple

    def parts_for(self, user):
        return [part for part in self.parts if part.shown_to is None or part.shown_to(user)]


@dataclass(frozen=True)
class Source:
    """A list that can be exported: ``select(user, params)`` gives ``(queryset, description)``, the
    rows the list shows the user with these query parameters and the filter in words, or raises
    ``ExportRefused``; ``back_url(params)`` is the list again."""

    name: str
    kind: str
    select: object
    back_url: object


_kinds = {}
_extensions = defaultdict(list)
_sources = {}
_discovered = False


def register_kind(name, *, label, parts):
    _kinds[name] = Kind(name=name, label=label, parts=tuple(parts))


def extend_kind(name, part):
    """Add ``part`` to the kind ``name`` (declared by an app below the caller's)."""
    _extensions[name].append(part)


def register_source(source):
    _sources[source.name] = source


def _discover():
    global _discovered
    if not _discovered:
        autodiscover_modules("exports")
        _discovered = True


def kind_for(name):
    _discover()
    kind = _kinds[name]
    return Kind(name=kind.name, label=kind.label, parts=(*kind.parts, *_extensions[name]))


def source_for(name):
    _discover()
    return _sources[name]


def kind_label(name):
    _discover()
    return _kinds[name].label if name in _kinds else name


# --- Values as cells ------------------------------------------------------------------------------


def label_of(choices, key):
    """A reader of the row's ``key`` shown as its label in ``choices`` (a TextChoices class), each label
    translated once per language rather than once per row."""
    cache = {}

    def read(row):
        value = row[key]
        cached = cache.get((translation.get_language(), value))
        if cached is None:
            cached = str(choices(value).label) if value in choices.values else (value or "")
            cache[(translation.get_language(), value)] = cached
        return cached

    return read


def date_of(key):
    """A reader of a date as ISO text (2026-12-05), as the portal's other workbooks write dates."""

    def read(row):
        value = row[key]
        return value.isoformat() if value else ""

    return read


def datetime_of(key):
    """A reader of a moment as local time text (2026-12-05 14:30)."""

    def read(row):
        value = row[key]
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    return read


def yes_no(key):
    def read(row):
        return _("yes") if row[key] else _("no")

    return read


# --- Parameters and descriptions --------------------------------------------------------------------


def list_params(query):
    """A list's query parameters as stored: ``{key: [values]}``, the page's own (cursor, page) left out."""
    return {key: query.getlist(key) for key in sorted(query) if key not in PAGE_PARAMS}


def query_dict(params):
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, [str(value) for value in values])
    query._mutable = False
    return query


def describe(pairs):
    """``[(label, value)]`` of the filters in use as one line of words; the whole list when none."""
    used = [f"{label}：{value}" for label, value in pairs if value not in (None, "")]
    return "；".join(used) if used else _("The whole list, no filter")


def form_pairs(form):
    """``[(label, value)]`` of the fields of a bound filter form that hold a value, each value as the form
    offers it (the chosen option's label, the object's name); an invalid form gives its valid fields."""
    form.is_valid()
    pairs = []
    for name, value in getattr(form, "cleaned_data", {}).items():
        if value in (None, "", [], False):
            continue
        field = form.fields[name]
        choices = dict(getattr(field, "choices", None) or []) if not hasattr(field, "queryset") else {}
        shown = _("yes") if value is True else choices.get(value, value)
        pairs.append((str(field.label or name), str(shown)))
    return pairs


def may_see_full_numbers(user):
    return user.has_perm(FULL_NUMBERS_PERMISSION)


# --- Exports of a user ------------------------------------------------------------------------------


#: The order of 我的导出, newest first (keyset pages, served by ``export_user_latest_idx``).
EXPORT_ORDER = ("-created_at", "-id")


def exports_of(user):
    """The exports ``user`` asked for, newest first (我的导出)."""
    return Export.objects.filter(user=user).order_by(*EXPORT_ORDER)


def export_for_user(user, pk):
    """One export ``user`` may open and download: its own, or any for an administrator; else 404."""
    try:
        return visible(Export.objects.all(), user, EXPORT_SCOPES).select_related("user").get(pk=pk)
    except (Export.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def download_name(export):
    """The file's name for the browser: what it holds and when it was asked for (申报-20261205-1430.xlsx)."""
    with translation.override(export.language or settings.LANGUAGE_CODE):
        label = str(kind_label(export.kind))
    return f"{label}-{timezone.localtime(export.created_at):%Y%m%d-%H%M}.xlsx"


# --- Starting, building, purging -------------------------------------------------------------------


def export_start(*, user, source_name, query, request=None):
    """Start an export of the list ``source_name`` as ``user`` sees it with ``query`` (the list's query
    parameters). Records the export and its audit event; builds it now when it has at most
    ``EXPORT_IN_REQUEST_MAX_ROWS`` rows, else queues the task on commit. Returns the ``Export``; raises
    ``ExportRefused`` when the list has no row or cannot be exported as asked."""
    source = source_for(source_name)
    params = list_params(query)
    queryset, description = source.select(user, query_dict(params))
    count = queryset.count()
    if not count:
        raise ExportRefused(
            _(
                "No row matches the list's filters, so nothing was exported. Change or clear the filters, then "
                "export again."
            )
        )
    with transaction.atomic():
        export = Export.objects.create(
            user=user,
            kind=source.kind,
            source=source.name,
            description=description[:500],
            params=params,
            language=translation.get_language() or "",
            row_count=count,
        )
        audit_record(
            kind=AuditEvent.Kind.EXPORTED,
            request=request,
            user=user,
            obj=export,
            detail={
                "export": export.pk,
                "what": source.kind,
                "list": source.name,
                "filter": description,
                "params": params,
                "rows": count,
            },
        )
        if count > settings.EXPORT_IN_REQUEST_MAX_ROWS:
            from zaozhuang_titles.tasks import build_export  # the tasks module builds through this one

            transaction.on_commit(lambda: build_export.delay(export_id=export.pk))
    if count <= settings.EXPORT_IN_REQUEST_MAX_ROWS:
        export = export_build(export_id=export.pk)
    return export


def export_build(*, export_id, reraise=()):
    """Build the file of one export and keep it; idempotent (a finished or removed export is left as it
    is; one interrupted is built again). On failure the export is marked failed with the reason in words
    and no file; exceptions of the classes ``reraise`` (connection errors, for the task's retries) are
    raised again after that. Returns the export as it then stands, or None when it is gone."""
    export = Export.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status in (Export.Status.DONE, Export.Status.EXPIRED):
        return export
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, progress=0, error="")
    stored = ""
    try:
        with translation.override(export.language or settings.LANGUAGE_CODE), tempfile.TemporaryFile() as handle:
            written = _write(export, handle)
            handle.seek(0)
            stored = default_storage.save(f"exports/{export.pk}-{secrets.token_hex(8)}.xlsx", File(handle))
        finished = Export.objects.filter(pk=export.pk, status=Export.Status.RUNNING).update(
            status=Export.Status.DONE, file=stored, progress=written, row_count=written, finished_at=timezone.now()
        )
        if not finished:  # removed meanwhile: keep no file nobody can reach
            default_storage.delete(stored)
    except ExportRefused as refusal:
        _fail(export, str(refusal), stored)
    except Exception as error:
        logger.exception("export %s failed", export.pk)
        with translation.override(export.language or settings.LANGUAGE_CODE):
            message = _(
                "The export failed while its file was being built (%(error)s), so no file was kept. Export the list "
                "again; if it fails again, tell the administrator."
            ) % {"error": type(error).__name__}
        _fail(export, message, stored)
        if isinstance(error, reraise):
            raise
    export.refresh_from_db()
    return export


def _fail(export, message, stored):
    if stored:
        default_storage.delete(stored)
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.FAILED, file="", error=message[:500], finished_at=timezone.now()
    )


def _write(export, handle):
    """Stream the rows of ``export`` into a workbook saved to ``handle``; returns how many were written."""
    user = export.user
    if not user.is_active:
        raise ExportRefused(_("The account that asked for this export is no longer active."))
    kind = kind_for(export.kind)
    queryset, _description = source_for(export.source).select(user, query_dict(export.params))
    parts = kind.parts_for(user)
    columns = [column for part in parts for column in part.columns]
    fields = list(dict.fromkeys(["pk", *(field for part in parts for field in part.fields)]))
    lookups = [part.lookup for part in parts if part.lookup is not None]
    masks = {} if may_see_full_numbers(user) else MASKS
    readers = [(column.reader, masks.get(column.personal)) for column in columns]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(kind.label)[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    where = f"{kind.name} export {export.pk}"
    written = 0
    try:
        write_row(sheet, [str(column.header) for column in columns], font=Font(bold=True))
        rows = queryset.values(*fields).iterator(chunk_size=CHUNK_ROWS)
        while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
            for lookup in lookups:
                lookup(chunk)
            for row in chunk:
                values = []
                for read, mask in readers:
                    value = read(row)
                    values.append(mask(value) if mask is not None and value else value)
                write_row(sheet, values, where=where)
            written += len(chunk)
            Export.objects.filter(pk=export.pk).update(progress=written)
    except BaseException:
        # Close the sheet's stream before giving up: its temporary file is removed, not left to the
        # garbage collector half-written.
        with contextlib.suppress(Exception):
            sheet.close()
            sheet._writer.cleanup()
        raise
    workbook.save(handle)
    return written


def exports_purge_expired(*, now=None):
    """Remove the files of the exports asked for more than ``EXPORT_KEEP_DAYS`` ago and mark them
    expired (the rows stay: who exported what is kept). Idempotent; returns how many were purged."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EXPORT_KEEP_DAYS)
    due = Export.objects.filter(created_at__lt=cutoff).exclude(status=Export.Status.EXPIRED)
    purged = 0
    while batch := list(due.order_by("pk").values_list("pk", "file")[:500]):
        for _pk, name in batch:
            if name:
                default_storage.delete(name)
        Export.objects.filter(pk__in=[pk for pk, _name in batch]).update(status=Export.Status.EXPIRED, file="")
        purged += len(batch)
    return purged
