"""Matrix rows of the reviews app."""

from tests.authorization.matrix import Row, outcome
from zaozhuang_titles.models import Role

ROWS = [
    Row(
        "reviews:expert_home",
        get=outcome(allowed=[Role.EXPERT]),
        post=outcome(allowed=[Role.EXPERT], ok=405),
    ),
]
