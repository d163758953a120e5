import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Messages built outside a request are compared in English."""
    with translation.override("en"):
        yield
