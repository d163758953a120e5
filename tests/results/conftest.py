"""Messages built outside a request (services, validators) are read in English by these tests; pages
choose their language per request, Chinese by default. Documents are printed by the stand-in printer
unless a test reads the paper (``@pytest.mark.real_documents``, tests/documents.py)."""

import pytest
from django.utils import translation

from tests.documents import use_stand_in_printer


@pytest.fixture(autouse=True)
def english_outside_requests():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def stand_in_printer(request, monkeypatch):
    use_stand_in_printer(request, monkeypatch)
