"""Numbers of the ranking, formatted cheaply: a ranking lists every case of a meeting (a thousand rows
at province scale), and ``floatformat`` asks the active language for its separators on each call
(issue 13: three quarters of the page's time). Both languages of the portal write "1234.56"."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

_CENT = Decimal("0.01")


@register.filter
def two_places(value):
    """``value`` with two decimals, rounded half up like ``floatformat:2`` (and no "-0.00")."""
    if value is None or value == "":
        return ""
    rounded = Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)
    return str(rounded if rounded else abs(rounded))
