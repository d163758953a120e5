"""Each role logs in, lands on its own home in Chinese, and logs out; registration, a wrong password,
the language switch and the phone layout, all in a real browser."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.conftest import login, logout, snapshot
from tests.factories import PASSWORD, UserFactory, make_id_number
from zaozhuang_titles.forms import LoginForm
from zaozhuang_titles.models import Role, User


def zh(message):
    """``message`` as the Chinese UI shows it (the catalogue is being filled: untranslated msgids show
    in English, and the assertion follows the catalogue instead of guessing it)."""
    with translation.override("zh-hans"):
        return str(translation.gettext(message))


def expect_login_page(page, live_server):
    expect(page).to_have_url(f"{live_server.url}{reverse('login')}")
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.locator("[data-testid=current-user]")).to_have_count(0)


# (role, URL name of its home, msgid of the home's heading, log in with)
PORTAL_HOMES = [
    (Role.APPLICANT, "applications:applicant_home", "My applications", "username"),
    (Role.ENTERPRISE_CONTACT, "enterprises:contact_home", "My enterprise", "username"),
    (Role.CHAIRMAN, "applications:chairman_home", "Nominations to sign", "mobile"),
    (Role.DISTRICT_STAFF, "applications:district_queue", "First audit queue", "username"),
    (Role.CITY_STAFF, "applications:city_queue", "Second audit queue", "username"),
    (Role.EXPERT, "reviews:expert_home", "My review tasks", "username"),
    (Role.COMMISSIONER, "enterprises:commissioner_home", "Enterprises I serve", "username"),
]


@pytest.mark.parametrize(("role", "home", "heading", "login_with"), PORTAL_HOMES, ids=[row[0] for row in PORTAL_HOMES])
def test_role_journey_lands_on_its_home_in_chinese_and_logs_out(page, live_server, role, home, heading, login_with):
    user = UserFactory(roles=[role])

    login(page, live_server, getattr(user, login_with), PASSWORD)

    expect(page).to_have_url(f"{live_server.url}{reverse(home)}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("[data-testid=home-title]")).to_have_text(zh(heading))
    expect(page.locator("[data-testid=current-user]")).to_contain_text(user.real_name)
    snapshot(page, f"home-{role}-desktop")

    logout(page)

    expect_login_page(page, live_server)


def test_role_journey_administrator_lands_on_django_admin_and_logs_out(page, live_server):
    user = UserFactory(roles=[Role.ADMINISTRATOR])

    login(page, live_server, user.username, PASSWORD)

    expect(page).to_have_url(f"{live_server.url}{reverse('admin:index')}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#site-name")).to_have_text(admin.site.site_header)

    logout(page)

    expect_login_page(page, live_server)


def test_registration_applicant_lands_on_its_home(page, live_server):
    id_number = make_id_number()
    page.goto(f"{live_server.url}{reverse('register')}")
    expect(page.locator("input[name=role][value=applicant]")).to_be_checked()

    page.locator("#id_real_name").fill("张伟")
    page.locator("#id_mobile").fill("13906320001")
    page.locator("#id_email").fill("zhangwei@example.cn")
    page.locator("#id_id_number").fill(id_number)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("[data-testid=register-form] [type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}{reverse('applications:applicant_home')}")
    expect(page.locator("[data-testid=home-title]")).to_have_text(zh("My applications"))
    expect(page.locator("[data-testid=current-user]")).to_contain_text("张伟")
    user = User.objects.get(mobile="13906320001")
    assert (user.username, user.id_number, user.role_set) == ("13906320001", id_number, {Role.APPLICANT})


def test_login_wrong_password_shows_the_error_and_stays_on_the_login_page(page, live_server):
    user = UserFactory(roles=[Role.APPLICANT])

    login(page, live_server, user.username, "Wrong@Pass2022")

    expect_login_page(page, live_server)
    with translation.override("zh-hans"):
        error = str(LoginForm.error_messages["invalid_login"])
    expect(page.locator("[data-testid=login-form] .alert-danger")).to_contain_text(error)
    expect(page.locator("#id_username")).to_have_value(user.username)


def test_language_switch_to_english_changes_the_page_language(page, live_server):
    page.goto(f"{live_server.url}{reverse('login')}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    snapshot(page, "login-desktop")
    switch = page.locator("button[name=language][value=en]")
    # Each language is offered in its own name: a reader who cannot read Chinese still finds English.
    expect(switch).to_have_text("English")

    with page.expect_navigation():
        switch.click()

    expect(page).to_have_url(f"{live_server.url}{reverse('login')}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.locator("button[name=language][value=zh-hans]")).to_have_text("简体中文")


def expect_phone_layout(page):
    """Nothing wider than the screen, and the menu folded behind the toggler."""
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    expect(page.locator(".navbar-toggler")).to_be_visible()
    expect(page.locator("#portal-nav")).to_be_hidden()


def test_phone_login_page_and_applicant_home_fit_the_screen(mobile_page, live_server):
    user = UserFactory(roles=[Role.APPLICANT])
    mobile_page.goto(f"{live_server.url}{reverse('login')}")
    expect(mobile_page.locator("#id_username")).to_be_visible()
    expect_phone_layout(mobile_page)
    snapshot(mobile_page, "login-phone")

    login(mobile_page, live_server, user.username, PASSWORD)

    expect(mobile_page).to_have_url(f"{live_server.url}{reverse('applications:applicant_home')}")
    expect(mobile_page.locator("[data-testid=home-title]")).to_have_text(zh("My applications"))
    expect_phone_layout(mobile_page)
    snapshot(mobile_page, "home-applicant-phone")

    logout(mobile_page)

    expect_login_page(mobile_page, live_server)
