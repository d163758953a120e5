"""Matrix rows of the reviews app: the staff's ranking of a meeting's cases (city staff only)."""

from tests.authorization.matrix import Row, outcome
from tests.reviews.factories import ReviewWorld
from zaozhuang_titles.models import Role

CITY = [Role.CITY_STAFF, Role.ADMINISTRATOR]


def meeting(ctx):
    ctx["meeting"] = ReviewWorld(cases=1, panel_size=3).meeting


ROWS = [
    Row(
        "reviews:meeting_ranking",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY, ok=405),
        setup=meeting,
        kwargs=lambda ctx: {"pk": ctx["meeting"].pk},
    ),
]
