"""Matrix rows of the enterprises app."""

from tests.authorization.matrix import Row, outcome
from zaozhuang_titles.models import Role

ROWS = [
    Row(
        "enterprises:contact_home",
        get=outcome(allowed=[Role.ENTERPRISE_CONTACT]),
        post=outcome(allowed=[Role.ENTERPRISE_CONTACT], ok=405),
    ),
    Row(
        "enterprises:commissioner_home",
        get=outcome(allowed=[Role.COMMISSIONER]),
        post=outcome(allowed=[Role.COMMISSIONER], ok=405),
    ),
]
