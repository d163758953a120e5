"""The navbar's menu as each role reads it in Chinese: no entry twice, no page named after a status."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext

from reviews.models import Meeting
from tests.factories import UserFactory
from zaozhuang_titles.context_processors import portal
from zaozhuang_titles.models import Role
from zaozhuang_titles.roles import role_menu

pytestmark = pytest.mark.django_db


def chinese_labels(user):
    """The menu's labels in Chinese, with the public notices' entry every navbar adds (navbar.html)."""
    with translation.override("zh-hans"):
        return [str(label) for label, _url in role_menu(user)] + [gettext("Publicity notices")]


@pytest.mark.parametrize("role", list(Role))
def test_role_menu_shows_no_label_twice(role):
    # City staff read 评审结果公示 twice: their publicity pages and the public notices had one name.
    labels = chinese_labels(UserFactory(roles=[role]))

    assert len(labels) == len(set(labels)), labels


def test_role_menu_of_an_expert_names_its_pages_not_a_meeting_status():
    # The expert's menu said 表决中 (the status "Voting") while its meeting was still 评分中.
    labels = chinese_labels(UserFactory(roles=[Role.EXPERT]))
    with translation.override("zh-hans"):
        statuses = {str(label) for label in Meeting.Status.labels}

    assert not statuses & set(labels), labels
    assert labels == ["评审专家", "我的评审会议", "评审结果公示"]


def layout_of(user, language):
    """navbar_layout as the context processor computes it for ``user`` in ``language``."""
    request = RequestFactory().get("/")
    request.user = user
    with translation.override(language):
        return portal(request)["navbar"]


def test_navbar_layout_opens_city_staffs_long_menu_at_1200_px_beside_the_short_brand():
    city = UserFactory(roles=[Role.CITY_STAFF], is_staff=True, real_name="张明(市人社局)")

    assert layout_of(city, "zh-hans") == {"breakpoint": "xl", "full_brand": False}


def test_navbar_layout_keeps_a_long_english_menu_folded_at_every_width():
    # Seven English entries are wider than the widest container: open, they ran off the screen.
    city = UserFactory(roles=[Role.CITY_STAFF], is_staff=True, real_name="张明(市人社局)")

    assert layout_of(city, "en") == {"breakpoint": "", "full_brand": True}


def test_navbar_layout_shows_the_full_brand_beside_a_short_menu():
    applicant = UserFactory(roles=[Role.APPLICANT], real_name="陈工")

    assert layout_of(applicant, "zh-hans") == {"breakpoint": "xl", "full_brand": True}
