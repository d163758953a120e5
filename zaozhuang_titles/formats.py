"""Dates as the portal writes them in sentences (the active language's DATE_FORMAT: 2026年11月29日)."""

from django.utils import formats


def date_text(value):
    return formats.date_format(value, "DATE_FORMAT")
