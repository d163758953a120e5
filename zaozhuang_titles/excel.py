"""Excel in and out, shared by every workbook of the portal.

Reading: ``read_rows`` turns an uploaded workbook into raw text rows for every import (enterprises,
experts); each import validates every row itself before writing anything. A formula in an uploaded
cell is read as the text that was typed (``=1+1`` stays ``=1+1``), never evaluated, and a cell holding
a control character or a text direction control is refused with its row, column and position.

Writing: every cell written from data goes through ``safe_cell`` (or ``write_row``), in every export
and generated workbook. Text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written as an explicit string with Excel's quote prefix (OWASP, "CSV Injection"), so a registered name
such as ``=HYPERLINK(...)`` is shown as the name and never runs as a formula, even once the cell is
edited; a character openpyxl refuses or a direction control already in the database is replaced with
U+FFFD and logged (``zaozhuang_titles.text.sanitize``) instead of failing the whole file.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell

from zaozhuang_titles.identifiers import canonical_code
from zaozhuang_titles.text import describe, forbidden_characters, sanitize

#: Text beginning with one of these would be read by a spreadsheet as a formula (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
    # An array formula is read as an object holding the formula's text.
    return str(getattr(value, "text", value)).strip()


def safe_cell(sheet, value, *, where="", font=None):
    """A cell of ``sheet`` (write-only or not) holding ``value`` safely: text with forbidden characters
    replaced (logged with ``where``, e.g. "备案表 row 3, 姓名"), and text that a spreadsheet would
    take for a formula stored as a string with the quote prefix. Numbers and dates stay as they are."""
    if isinstance(value, str):
        value = sanitize(str(value), where=where or sheet.title)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def write_row(sheet, values, *, where="", font=None):
    """Append ``values`` to ``sheet`` as one row, each value made safe as by ``safe_cell``; ``where``
    names the row in logs. A value that needs no cell of its own (no font, not formula-like) is
    appended as it is: openpyxl makes the same cell of it, and the 备案表 of ten thousand rows stays fast."""
    row = []
    for value in values:
        if isinstance(value, str):
            value = sanitize(value, where=where or sheet.title)
        if font is not None or (isinstance(value, str) and value.startswith(FORMULA_PREFIXES)):
            value = safe_cell(sheet, value, where=where, font=font)
        row.append(value)
    sheet.append(row)


def read_rows(upload, *, columns, required, max_rows, too_many, multiline=()):
    """Raw rows ``[(row_number, {key: text})]`` of the first sheet, matched to ``columns`` (key, header)
    by the header row. Raises ValidationError when the file is not a workbook, lacks a ``required``
    column, holds more than ``max_rows`` rows (``too_many`` is the message, with ``%(max)d``), or has a
    cell with a forbidden character (tabs and line breaks are allowed in the ``multiline`` columns),
    naming each such cell."""
    try:
        # data_only=False: a formula cell gives the formula's text, not a value cached by whoever saved it.
        workbook = load_workbook(upload, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise _unreadable(error) from None
    try:
        return _rows(workbook, columns, required, max_rows, too_many, multiline)
    except ValidationError:
        raise
    except Exception as error:  # a read-only workbook parses each sheet's XML only as its rows are read
        raise _unreadable(error) from None
    finally:
        workbook.close()


def _unreadable(error):
    return ValidationError(
        _("This file could not be read as an Excel workbook (.xlsx): %(error)s") % {"error": type(error).__name__}
    )


def _rows(workbook, columns, required, max_rows, too_many, multiline):
    """The rows of ``read_rows``, read from an open workbook."""
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
    result, bad_cells = [], []
    titles = dict(columns)
    for number, values in enumerate(rows, start=2):
        raw = {key: cell_text(values[index]) if index < len(values) else "" for key, index in positions.items()}
        if not any(raw.values()):
            continue
        result.append((number, raw))
        if len(result) > max_rows:
            raise ValidationError(too_many % {"max": max_rows})
        for key, text in raw.items():
            found = forbidden_characters(text, multiline=key in multiline)
            if found:
                bad_cells.append(
                    _("Row %(row)d, column %(column)s: %(characters)s.")
                    % {"row": number, "column": titles[key], "characters": describe(found)}
                )
    if bad_cells:
        raise ValidationError(
            [
                _(
                    "Some cells hold characters that cannot be stored (control characters or text direction "
                    "controls, often pasted in invisibly). Delete them and upload the file again."
                ),
                *bad_cells,
            ]
        )
    return result


def canonical_columns(raw_rows, keys):
    """``raw_rows`` with the code columns ``keys`` (credit codes, mobiles, certificate numbers) in their
    canonical form (``canonical_code``), so that a workbook typed with full-width digits is read, checked
    and compared as the ASCII codes it means."""
    return [
        (number, {key: canonical_code(text) if key in keys else text for key, text in raw.items()})
        for number, raw in raw_rows
    ]
