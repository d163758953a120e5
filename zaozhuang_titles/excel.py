"""Reading an uploaded Excel workbook into raw rows, shared by every import of the portal (enterprises,
experts). Each import validates every row itself before writing anything."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from zaozhuang_titles.identifiers import canonical_code


def cell_text(value):
    """A cell as text: dates in ISO form, whole numbers without ".0", surrounding spaces removed."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(upload, *, columns, required, max_rows, too_many):
    """Raw rows ``[(row_number, {key: text})]`` of the first sheet, matched to ``columns`` (key, header)
    by the header row. Raises ValidationError when the file is not a workbook, lacks a ``required``
    column, or holds more than ``max_rows`` rows (``too_many`` is the message, with ``%(max)d``)."""
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError(
            _("This file could not be read as an Excel workbook (.xlsx): %(error)s") % {"error": type(error).__name__}
        ) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(cell) for cell in next(rows, ())]
        by_header = {title: key for key, title in columns}
        positions = {by_header[title]: index for index, title in enumerate(header) if title in by_header}
        missing = [title for key, title in columns if key in required and key not in positions]
        if missing:
            raise ValidationError(
                _("The first row must name the columns; missing: %(missing)s. Download the template to see them all.")
                % {"missing": "、".join(str(title) for title in missing)}
            )
        result = []
        for number, values in enumerate(rows, start=2):
            raw = {key: cell_text(values[index]) if index < len(values) else "" for key, index in positions.items()}
            if not any(raw.values()):
                continue
            result.append((number, raw))
            if len(result) > max_rows:
                raise ValidationError(too_many % {"max": max_rows})
        return result
    finally:
        workbook.close()


def canonical_columns(raw_rows, keys):
    """``raw_rows`` with the code columns ``keys`` (credit codes, mobiles, certificate numbers) in their
    canonical form (``canonical_code``), so that a workbook typed with full-width digits is read, checked
    and compared as the ASCII codes it means."""
    return [
        (number, {key: canonical_code(text) if key in keys else text for key, text in raw.items()})
        for number, raw in raw_rows
    ]
