"""Matrix rows of the applications app: enterprise pages."""

from tests.authorization.matrix import Row, outcome
from zaozhuang_titles.models import Role

ROWS = [
    Row(
        "applications:chairman_home",
        get=outcome(allowed=[Role.CHAIRMAN]),
        post=outcome(allowed=[Role.CHAIRMAN], ok=405),
    ),
]
