"""Query pieces that belong to no app."""

from django.db.models import Count, IntegerField, Subquery
from django.db.models.functions import Coalesce


def subquery_count(queryset, *, key):
    """The number of rows of ``queryset`` (filtered on an ``OuterRef``) as a correlated scalar
    subquery grouped by ``key``, 0 when none.

    Unlike ``Count("relation", distinct=True)``, it joins nothing into the outer query: two counts of
    two relations do not multiply each other's rows, and with a ``LIMIT`` PostgreSQL computes it only
    for the rows it returns."""
    return Coalesce(
        Subquery(queryset.order_by().values(key).annotate(n=Count("*")).values("n")[:1], output_field=IntegerField()),
        0,
    )
