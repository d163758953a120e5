"""Assertion helpers shared by the suite."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_constant_queries(django_assert_num_queries, render, add_item):
    """Assert that ``render()`` runs as many queries with 3 items as with 1.

    ``add_item()`` creates one more row of what the page lists. The page is rendered once with 1 item
    to learn its count, then with 3 items under ``django_assert_num_queries`` with that same count.
    Returns the count so the caller can report or pin it.
    """
    add_item()
    render()  # warm caches (content types, sessions) so that the measured renders compare like with like
    with CaptureQueriesContext(connection) as one:
        response = render()
    assert response.status_code == 200
    add_item()
    add_item()
    with django_assert_num_queries(len(one.captured_queries)):
        response = render()
    assert response.status_code == 200
    return len(one.captured_queries)
