"""The navbar's menu as each role reads it in Chinese: no entry twice, no page named after a status."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from reviews.models import Meeting
from tests.factories import UserFactory
from zaozhuang_titles.context_processors import portal
from zaozhuang_titles.models import Role
from zaozhuang_titles.roles import role_menu, service_menu

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


# --- The 服务 dropdown (issue 15's service pages) --------------------------------------------------


def chinese_services(user):
    with translation.override("zh-hans"):
        return [str(label) for label, _url in service_menu(user)]


def test_service_menu_of_city_staff_holds_the_campaigns_service_pages():
    city = UserFactory(roles=[Role.CITY_STAFF], is_staff=True)

    assert chinese_services(city) == ["电子问卷", "政策库", "一企一策", "双随机检查", "学时认定", "咨询与难题"]


def test_service_menu_of_district_staff_and_commissioners_holds_what_they_reach():
    district = UserFactory(roles=[Role.DISTRICT_STAFF], is_staff=True)
    commissioner = UserFactory(roles=[Role.COMMISSIONER])

    assert chinese_services(district) == ["问卷结果", "一企一策", "学时认定", "我的检查", "咨询与难题"]
    assert chinese_services(commissioner) == ["一企一策", "问卷结果"]


@pytest.mark.parametrize("role", [Role.ENTERPRISE_CONTACT, Role.APPLICANT, Role.CHAIRMAN, Role.EXPERT])
def test_service_menu_is_empty_for_those_served(role):
    # A contact's questionnaires and inspections and an applicant's hours stay in their row: they are theirs.
    assert service_menu(UserFactory(roles=[role])) == []


def test_role_menu_does_not_repeat_a_page_of_the_service_menu():
    # A district staff member who is also an enterprise's contact: 我的检查 once, in the dropdown.
    user = UserFactory(roles=[Role.DISTRICT_STAFF, Role.ENTERPRISE_CONTACT], is_staff=True)
    services = {url for _label, url in service_menu(user)}

    assert reverse("inspections:mine") in services
    assert services.isdisjoint(url for _label, url in role_menu(user))


@pytest.mark.parametrize("role", [Role.CITY_STAFF, Role.ADMINISTRATOR, Role.DISTRICT_STAFF, Role.COMMISSIONER])
def test_service_menu_offers_only_pages_the_role_opens(role, role_users, client_for):
    user = role_users[role.value]
    client = client_for(user)

    statuses = {url: client.get(url).status_code for _label, url in service_menu(user)}

    assert statuses and set(statuses.values()) == {200}, statuses


def test_navbar_renders_the_service_dropdown_keyboard_ready_and_marks_the_current_page(role_users, client_for):
    client = client_for(role_users[Role.CITY_STAFF.value])
    client.cookies.load({"django_language": "zh-hans"})

    page = client.get(reverse("surveys:questionnaires")).content.decode()

    start = page.index('data-testid="service-menu"')
    menu = page[start : page.index("</ul>", start)]
    toggle = menu[: menu.index("</button>")]
    # A button (focusable, Enter and Space open it) that Bootstrap's vendored bundle makes a dropdown.
    assert "<button" in toggle and 'data-bs-toggle="dropdown"' in toggle and 'aria-expanded="false"' in toggle
    assert ">服务</button>" in menu and " active" in toggle
    assert f'href="{reverse("surveys:questionnaires")}" aria-current="page">电子问卷</a>' in menu
    assert f'href="{reverse("library:manage")}">政策库</a>' in menu


def test_city_queue_leaves_the_service_pages_to_the_dropdown(role_users, client_for):
    client = client_for(role_users[Role.CITY_STAFF.value])

    page = client.get(reverse("applications:city_queue")).content.decode()

    # The queue's page no longer repeats the dropdown's pages as buttons; the dropdown holds them.
    body = page[page.index("</nav>") :]
    assert reverse("library:manage") not in body and reverse("inspections:plans") not in body
    assert reverse("library:manage") in page
