"""Matrix rows of the applications app: audit pages."""

from tests.authorization.matrix import Row, outcome
from zaozhuang_titles.models import Role

ROWS = [
    Row(
        "applications:district_queue",
        get=outcome(allowed=[Role.DISTRICT_STAFF]),
        post=outcome(allowed=[Role.DISTRICT_STAFF], ok=405),
    ),
    Row(
        "applications:city_queue",
        get=outcome(allowed=[Role.CITY_STAFF, Role.ADMINISTRATOR]),
        post=outcome(allowed=[Role.CITY_STAFF, Role.ADMINISTRATOR], ok=405),
    ),
]
