"""The demo registry is at the article's scale, valid, and its service figures match the article."""

import pytest

from enterprises import demo
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_for_chairman, enterprise_for_contact, service_statistics
from enterprises.validators import ZAOZHUANG_REGION_PREFIX, validate_credit_code
from zaozhuang_titles import demo as foundation_demo
from zaozhuang_titles.models import User

pytestmark = pytest.mark.django_db


def test_demo_seed_matches_the_article_and_is_idempotent():
    foundation_demo.seed()
    demo.seed()
    demo.seed()
    key = Enterprise.objects.filter(is_key=True)
    assert key.count() == 275
    assert key.filter(commissioner__isnull=True).count() == demo.UNASSIGNED
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        validate_credit_code(code)
        assert code[2:6] == ZAOZHUANG_REGION_PREFIX
    city = User.objects.get(username="city")
    totals = service_statistics(city)["totals"]
    assert totals["enterprises_served"] == 127
    assert totals["consultations"] >= 200
    assert totals["problems_solved"] >= 300
    enterprise = enterprise_for_contact(User.objects.get(username="contact"))
    assert enterprise == enterprise_for_chairman(User.objects.get(username="chairman"))
    assert enterprise.division.code == "370481"
    assert enterprise.commissioner.user.username == "commissioner"
    district_totals = service_statistics(User.objects.get(username="district"))["totals"]
    assert 0 < district_totals["enterprises_served"] < 127
