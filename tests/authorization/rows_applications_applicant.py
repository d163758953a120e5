"""Matrix rows of the applications app: applicant pages."""

from tests.authorization.matrix import Row, outcome
from zaozhuang_titles.models import Role

ROWS = [
    Row(
        "applications:applicant_home",
        get=outcome(allowed=[Role.APPLICANT]),
        post=outcome(allowed=[Role.APPLICANT], ok=405),
    ),
]
