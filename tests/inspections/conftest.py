"""Messages built outside a request (services, validators) are read in English by these tests; pages
choose their language per request, Chinese by default."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_outside_requests():
    with translation.override("en"):
        yield
