"""Messages built outside a request (services) are read in English by these tests; pages choose their
language per request, Chinese by default."""

import pytest
from django.utils import translation

from tests.consultations.factories import ConsultationWorld


@pytest.fixture(autouse=True)
def english_outside_requests():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return ConsultationWorld()
