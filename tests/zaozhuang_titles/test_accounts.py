"""Registration, login by username or mobile, lockout, sessions, password change and reset."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import PASSWORD, UserFactory, make_id_number
from zaozhuang_titles.models import AuditEvent, Role, RoleAssignment, User

pytestmark = pytest.mark.django_db


def registration_data(**overrides):
    data = {
        "role": Role.APPLICANT.value,
        "real_name": "陈建华",
        "mobile": "13812345678",
        "email": "chen@example.cn",
        "id_number": make_id_number(),
        "password1": "Gongcheng#2022",
        "password2": "Gongcheng#2022",
    }
    data.update(overrides)
    return data


def english_client():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_register_applicant_creates_user_role_and_audit_event(client):
    data = registration_data()
    response = client.post(reverse("register"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(mobile="13812345678")
    assert user.username == "13812345678"
    assert user.real_name == "陈建华"
    assert user.id_number == data["id_number"]
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == [Role.APPLICANT]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.REGISTERED, user=user).count() == 1
    # Registered and logged in: home sends the applicant to its own page.
    assert client.get(reverse("home"))["Location"] == reverse("applications:applicant_home")


def test_register_enterprise_contact_needs_no_id_number(client):
    response = client.post(reverse("register"), registration_data(role=Role.ENTERPRISE_CONTACT.value, id_number=""))
    assert response.status_code == 302
    user = User.objects.get(mobile="13812345678")
    assert user.id_number is None
    assert user.has_role(Role.ENTERPRISE_CONTACT)


def test_register_refuses_duplicate_mobile_and_writes_nothing():
    UserFactory(mobile="13812345678")
    response = english_client().post(reverse("register"), registration_data())
    assert response.status_code == 200
    assert "This mobile number is already registered" in response.content.decode()
    assert User.objects.filter(mobile="13812345678").count() == 1
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.REGISTERED).exists()


def test_register_refuses_wrong_check_digit_naming_the_right_one():
    number = make_id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = english_client().post(reverse("register"), registration_data(id_number=wrong))
    assert response.status_code == 200
    assert f"should be {number[17]}, not {wrong[17]}" in response.content.decode()
    assert not User.objects.exists()


def test_register_refuses_applicant_without_id_number():
    response = english_client().post(reverse("register"), registration_data(id_number=""))
    assert "Applicants must give their ID number." in response.content.decode()
    assert not User.objects.exists()


def test_register_refuses_duplicate_id_number():
    number = make_id_number()
    UserFactory(id_number=number)
    response = english_client().post(reverse("register"), registration_data(id_number=number))
    assert "This ID number is already registered" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1A", "too short"),
        ("alllowercaseletters", "too few kinds of characters"),
        ("Password123", "too common"),
    ],
)
def test_register_applies_password_rules(password, message):
    response = english_client().post(reverse("register"), registration_data(password1=password, password2=password))
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_register_refuses_mismatched_passwords():
    response = english_client().post(reverse("register"), registration_data(password2="Different#2022"))
    assert "The two passwords are not the same." in response.content.decode()
    assert not User.objects.exists()


def test_register_page_is_chinese_by_default(client):
    response = client.get(reverse("register"))
    assert '<html lang="zh-hans">' in response.content.decode()


@pytest.mark.parametrize("field", ["username", "mobile"])
def test_login_by_username_or_mobile(client, field):
    user = UserFactory(roles=[Role.EXPERT])
    response = client.post(reverse("login"), {"username": getattr(user, field), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("reviews:expert_home")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN, user=user).count() == 1


def test_login_wrong_password_explains_and_logs():
    user = UserFactory()
    response = english_client().post(reverse("login"), {"username": user.username, "password": "Wrong#12345"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN_FAILED)
    assert event.user == user
    assert event.username == user.username


def test_login_unknown_user_gives_the_same_message_and_logs_the_name():
    response = english_client().post(reverse("login"), {"username": "nobody", "password": "Wrong#12345"})
    assert "do not match" in response.content.decode()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN_FAILED)
    assert event.user is None
    assert event.username == "nobody"


def test_five_failures_lock_the_account_for_username_and_mobile_alike(client):
    user = UserFactory()
    for attempt in range(5):
        identifier = user.username if attempt % 2 else user.mobile
        client.post(reverse("login"), {"username": identifier, "password": "Wrong#12345"})
    response = client.post(reverse("login"), {"username": user.mobile, "password": PASSWORD})
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKOUT, user=user).exists()
    # Another account is not affected by this one's lockout.
    other = UserFactory()
    assert Client().post(reverse("login"), {"username": other.username, "password": PASSWORD}).status_code == 302


def test_session_expires_after_30_idle_minutes_and_renews_on_activity(client):
    user = UserFactory(roles=[Role.APPLICANT])
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    key = client.session.session_key
    before = timezone.now()
    client.get(reverse("applications:applicant_home"))
    renewed = Session.objects.get(session_key=key).expire_date
    assert before + timedelta(minutes=29) < renewed <= timezone.now() + timedelta(minutes=30)
    # 30 idle minutes later the session has expired: the next request goes to the login page.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("applications:applicant_home"))["Location"].startswith(reverse("login"))


def test_password_change_logs_out_every_other_session():
    user = UserFactory(roles=[Role.APPLICANT])
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Neue#Passwort9", "new_password2": "Neue#Passwort9"},
    )
    assert response.status_code == 302
    assert here.get(reverse("applications:applicant_home")).status_code == 200
    assert elsewhere.get(reverse("applications:applicant_home"))["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PASSWORD_CHANGED, user=user).count() == 1


def test_password_reset_by_email_end_to_end(client):
    user = UserFactory(email="reset@example.cn")
    response = client.post(reverse("password_reset"), {"email": "reset@example.cn"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": "Brand#New2022", "new_password2": "Brand#New2022"})
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Brand#New2022")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PASSWORD_RESET, user=user).count() == 1


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_logout_is_post_only_and_logged(client):
    user = UserFactory(roles=[Role.APPLICANT])
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGOUT, user=user).count() == 1
    assert client.get(reverse("applications:applicant_home"))["Location"].startswith(reverse("login"))


def test_post_without_csrf_token_is_refused_in_chinese_and_saves_nothing():
    client = Client(enforce_csrf_checks=True)
    with translation.override("zh-hans"):
        response = client.post(reverse("register"), registration_data())
    assert response.status_code == 403
    assert 'data-testid="error-csrf"' in response.content.decode()
    assert not User.objects.exists()


def test_user_without_role_sees_what_to_do(client):
    user = UserFactory()
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'data-testid="empty-state"' in response.content.decode()


def test_user_with_several_roles_lands_on_the_first_and_sees_all_in_menu(client):
    user = UserFactory(roles=[Role.APPLICANT, Role.EXPERT])
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    assert client.get(reverse("home"))["Location"] == reverse("reviews:expert_home")
    page = client.get(reverse("reviews:expert_home")).content.decode()
    assert reverse("applications:applicant_home") in page


def test_permission_denied_is_logged(client):
    user = UserFactory(roles=[Role.APPLICANT])
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    response = client.get(reverse("applications:city_queue"))
    assert response.status_code == 403
    assert 'data-testid="error-403"' in response.content.decode()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PERMISSION_DENIED)
    assert (event.user, event.path) == (user, reverse("applications:city_queue"))
