"""Matrix rows of the statistics page (统计分析): HR staff only; district staff see their own division (a
page of another division is tested in tests/dashboard/test_views.py: 404)."""

from tests.authorization.matrix import Outsider, Row, outcome
from zaozhuang_titles.models import Role

STAFF = [Role.DISTRICT_STAFF, Role.CITY_STAFF, Role.ADMINISTRATOR]

ROWS = [
    Row("dashboard:statistics", get=outcome(allowed=STAFF), post=outcome(allowed=STAFF, ok=405)),
    Row("dashboard:data", get=outcome(allowed=STAFF), post=outcome(allowed=STAFF, ok=405)),
    Row(
        "dashboard:export",
        get=outcome(allowed=STAFF),
        post=outcome(allowed=STAFF, ok=405),
        kwargs=lambda ctx: {"table": "decisions"},
        # The argument names a table, not an object of a division: district staff of another division
        # download the same table over their own division.
        outsiders={Role.DISTRICT_STAFF.value: Outsider(get=200, post=405)},
    ),
]
