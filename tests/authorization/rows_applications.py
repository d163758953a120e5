"""Matrix rows of the applications app."""

from tests.authorization.matrix import Row, outcome
from zaozhuang_titles.models import Role

ROWS = [
    Row(
        "applications:applicant_home",
        get=outcome(allowed=[Role.APPLICANT]),
        post=outcome(allowed=[Role.APPLICANT], ok=405),
    ),
    Row(
        "applications:chairman_home",
        get=outcome(allowed=[Role.CHAIRMAN]),
        post=outcome(allowed=[Role.CHAIRMAN], ok=405),
    ),
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
