"""The matrix tries every URL as every role: the documents its setups make (a closed vote's record,
issued certificates) come from the stand-in printer (tests/documents.py)."""

import pytest

from tests.documents import use_stand_in_printer


@pytest.fixture(autouse=True)
def stand_in_printer(request, monkeypatch):
    use_stand_in_printer(request, monkeypatch)
