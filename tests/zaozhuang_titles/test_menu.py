"""The navbar's menu as each role reads it in Chinese: no entry twice, no page named after a status."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from reviews.models import Meeting
from tests.factories import UserFactory
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
