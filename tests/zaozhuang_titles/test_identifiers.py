"""One person, one identity: identifiers are canonical (``zaozhuang_titles.identifiers``) before they are
validated, compared or stored. Registration, login, the applicant's profile, the user model and the
database are tried with digits of every script, full-width forms, controls, format characters and
spaces (``tests/strategies.py``)."""

import sys

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models import Application
from tests.applications.factories import World
from tests.factories import PASSWORD, UserFactory, make_id_number
from tests.helpers import assert_constant_queries
from tests.strategies import code_input, disguised, hostile_code, is_canonical
from tests.zaozhuang_titles.test_accounts import registration_data
from zaozhuang_titles.identifiers import canonical_code, validate_canonical
from zaozhuang_titles.models import IdentifierIssue, Role, User
from zaozhuang_titles.services import user_register
from zaozhuang_titles.text import forbidden_characters

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
MOBILE = "13812345678"
FULL_WIDTH_MOBILE = "１３８１２３４５６７８"
ARABIC_INDIC_MOBILE = "١٣٨١٢٣٤٥٦٧٨"


def full_width(code):
    return "".join(chr(ord(char) + 0xFEE0) for char in code)


def arabic_indic(code):
    return "".join(chr(0x0660 + int(char)) if char.isdigit() else char for char in code)


def english_client():
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    return client


# --- canonical_code -------------------------------------------------------------------------------


@FUZZ
@given(st.text(max_size=40) | hostile_code(40))
def test_canonical_code_is_idempotent_and_leaves_nothing_to_fold(value):
    canonical = canonical_code(value)
    assert canonical_code(canonical) == canonical
    assert is_canonical(canonical)


@FUZZ
@given(disguised("37040219850618213X"))
def test_canonical_code_of_a_disguised_id_number_is_the_id_number(value):
    assert canonical_code(value) == "37040219850618213X"


def test_canonical_code_folds_full_width_arabic_indic_spaces_and_zero_width():
    assert canonical_code(FULL_WIDTH_MOBILE) == MOBILE
    assert canonical_code(ARABIC_INDIC_MOBILE) == MOBILE
    assert canonical_code("138\u200b1234\u30005678\ufeff") == MOBILE
    assert canonical_code("zl２０１５１０９５８７７２．０") == "ZL201510958772.0"


def test_validate_canonical_names_the_character_that_is_not_canonical():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_canonical("ZZ2026١")
    assert "Character 7, ١（U+0661）" in error.value.messages[0]


# --- registration: the duplicate is the duplicate however it is typed --------------------------


@pytest.mark.parametrize("typed", [FULL_WIDTH_MOBILE, ARABIC_INDIC_MOBILE, " 138 1234 5678 "])
def test_register_refuses_a_mobile_already_registered_typed_in_other_digits(typed):
    UserFactory(mobile=MOBILE, username=MOBILE)
    response = english_client().post(reverse("register"), registration_data(mobile=typed))
    assert "This mobile number is already registered" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize("disguise", [full_width, arabic_indic])
def test_register_refuses_an_id_number_already_registered_typed_in_other_digits(disguise):
    """The person of ID 3704… registered once; the same ID in full-width or Arabic-Indic digits with a
    new mobile is refused with the usual message, so no second account can apply in the same batch."""
    id_number = make_id_number()
    first = UserFactory(id_number=id_number, roles=[Role.APPLICANT])
    response = english_client().post(
        reverse("register"), registration_data(mobile="13900000001", id_number=disguise(id_number))
    )
    assert "This ID number is already registered" in response.content.decode()
    assert list(User.objects.filter(id_number=id_number)) == [first]
    assert not User.objects.filter(mobile="13900000001").exists()


@pytest.mark.parametrize("disguise", [full_width, arabic_indic])
def test_one_person_applies_once_in_a_batch_whatever_digits_the_second_registration_used(disguise):
    world = World()
    id_number = make_id_number()
    first = world.applicant(user__id_number=id_number)
    world.draft(first)
    with pytest.raises(ValidationError) as error:
        user_register(
            real_name="陈建华",
            mobile="13900000001",
            email="chen2@example.cn",
            password=PASSWORD,
            role=Role.APPLICANT,
            id_number=disguise(id_number),
        )
    assert "id_number" in error.value.message_dict
    assert User.objects.filter(id_number=id_number).count() == 1
    assert Application.objects.filter(batch=world.batch, applicant__id_number=id_number).count() == 1


def test_register_stores_the_canonical_form_of_full_width_input(client):
    id_number = make_id_number()
    response = client.post(
        reverse("register"), registration_data(mobile=FULL_WIDTH_MOBILE, id_number=full_width(id_number.lower()))
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.username, user.mobile, user.id_number) == (MOBILE, MOBILE, id_number)


@FUZZ
@given(mobile=code_input("13912345678"), id_number=code_input(make_id_number(serial=77)))
def test_register_with_hostile_identifiers_never_500s_and_stores_only_canonical(mobile, id_number):
    response = english_client().post(reverse("register"), registration_data(mobile=mobile, id_number=id_number))
    assert response.status_code < 500, (mobile, id_number)
    for user in User.objects.all():
        assert is_canonical(user.username, upper=False) and is_canonical(user.mobile) and is_canonical(user.id_number)


def test_register_names_a_character_that_cannot_be_a_digit():
    """〇 (U+3007) is how many write a zero by hand, but it is no digit: refused, and named."""
    response = english_client().post(reverse("register"), registration_data(id_number="3704〇2198506182134"))
    content = response.content.decode()
    assert "Character 5, 〇（U+3007）, cannot be used in an ID number" in content
    assert not User.objects.exists()


# --- login ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [FULL_WIDTH_MOBILE, ARABIC_INDIC_MOBILE])
def test_login_with_the_mobile_in_other_digits_reaches_the_one_account(typed):
    user = UserFactory(mobile=MOBILE, username="chen")
    client = Client()
    response = client.post(reverse("login"), {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_hostile_names_never_500s_and_finds_only_the_canonical_account():
    user = UserFactory(mobile=MOBILE, username="chen")

    @FUZZ
    @given(name=code_input(MOBILE, max_size=20))
    def run(name):
        client = Client(raise_request_exception=False)
        response = client.post(reverse("login"), {"username": name, "password": PASSWORD})
        assert response.status_code < 500, name
        logged_in = client.session.get("_auth_user_id")
        assert logged_in in (None, str(user.pk))
        # A control character inside the name (a tab, say) is refused by the form's text check with its
        # position before any account is looked up; any other disguise folds to the canonical mobile.
        typed_cleanly = not forbidden_characters(name.strip(), multiline=False)
        assert (logged_in is not None) == (typed_cleanly and canonical_code(name, upper=False) == MOBILE), name

    run()


# --- accounts: no takeover of another account's login name ------------------------------------


def profile_client(user):
    client = english_client()
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


@pytest.mark.parametrize("field", ["username", "mobile"])
@pytest.mark.parametrize("disguise", [str, full_width, arabic_indic])
def test_profile_mobile_cannot_become_another_accounts_login_name(field, disguise):
    """Today's username of B is the mobile B registered with; A may not take it (as typed or in other
    digits) as its own mobile: logging in with it would reach A."""
    world = World()
    victim = UserFactory(username="13700000001", mobile="13700000002")
    attacker = world.applicant(user__mobile="13600000000")
    taken = getattr(victim, field)
    response = profile_client(attacker).post(
        reverse("applications:profile"), {"enterprise": world.enterprise.pk, "mobile": disguise(taken)}
    )
    attacker.refresh_from_db()
    assert attacker.mobile == "13600000000"
    assert "This mobile number is the login name of another account" in response.content.decode()
    client = Client()
    client.post(reverse("login"), {"username": taken, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(victim.pk)


def test_user_clean_refuses_a_mobile_that_is_another_accounts_username():
    UserFactory(username="13700000001", mobile="13700000002")
    user = UserFactory(mobile="13600000000")
    user.mobile = "13700000001"
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            user.full_clean(exclude=["password"])
        assert error.value.message_dict["mobile"] == [
            "This mobile number is the login name of another account; use your own number."
        ]


def test_user_clean_refuses_a_username_that_is_another_accounts_mobile():
    UserFactory(username="zhang", mobile="13700000002")
    user = User(username="13700000002", real_name="王五", password="!")
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "username" in error.value.message_dict


def test_profile_with_hostile_mobile_never_500s_and_stores_only_canonical():
    world = World()
    user = world.applicant(user__mobile="13600000009")
    client = profile_client(user)
    saved = []

    @FUZZ
    @given(mobile=code_input("13512345678"))
    def run(mobile):
        response = client.post(reverse("applications:profile"), {"enterprise": world.enterprise.pk, "mobile": mobile})
        assert response.status_code < 500, mobile
        user.refresh_from_db()
        assert is_canonical(user.mobile)
        saved.append(user.mobile)

    run()
    assert "13512345678" in saved  # the disguised number was taken as the number it means


# --- the database ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mobile", [FULL_WIDTH_MOBILE, ARABIC_INDIC_MOBILE, "1381234567x"])
def test_database_refuses_a_mobile_that_is_not_canonical(mobile):
    """Raw SQL, past the ORM (which already writes the canonical form, even in ``update``)."""
    user = UserFactory()
    table = connection.ops.quote_name(User._meta.db_table)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET mobile = %s WHERE id = %s", [mobile, user.pk])  # noqa: S608


def test_orm_writes_and_lookups_use_the_canonical_form():
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(mobile=ARABIC_INDIC_MOBILE)
    assert User.objects.get(pk=user.pk).mobile == MOBILE
    assert User.objects.get(mobile=FULL_WIDTH_MOBILE) == user


def test_database_keeps_canonical_mobiles_unique():
    UserFactory(mobile=MOBILE)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="other", mobile=canonical_code(FULL_WIDTH_MOBILE), real_name="x")


def test_register_names_a_character_of_the_mobile_that_is_no_digit():
    response = english_client().post(reverse("register"), registration_data(mobile="138〇1234567"))
    assert "Character 4, 〇（U+3007）, cannot be used in a mobile number" in response.content.decode()
    assert not User.objects.exists()


def test_canonical_code_of_every_single_character_is_stable_and_has_only_ascii_digits():
    """The whole of Unicode, one character at a time (surrogates cannot be typed)."""
    for point in range(sys.maxunicode + 1):
        if 0xD800 <= point <= 0xDFFF:
            continue
        canonical = canonical_code(chr(point))
        assert canonical_code(canonical) == canonical, hex(point)
        assert is_canonical(canonical), hex(point)


# --- admin: the identifiers the data migration found ------------------------------------------------


def test_identifier_issue_list_links_each_record_in_constant_queries(client_for, django_assert_num_queries):
    staff = UserFactory(roles=[Role.CITY_STAFF])
    client = client_for(staff)
    users = []

    def add_issue():
        user = UserFactory()
        users.append(user)
        IdentifierIssue.objects.create(
            model="zaozhuang_titles.user",
            object_id=str(user.pk),
            field="mobile",
            stored_value=FULL_WIDTH_MOBILE,
            canonical_value=MOBILE,
            action=IdentifierIssue.Action.SET_ASIDE,
        )

    url = reverse("admin:zaozhuang_titles_identifierissue_changelist")
    assert_constant_queries(
        django_assert_num_queries,
        render=lambda: client.get(url),
        add_item=add_issue,
        expected=12 + (connection.vendor == "postgresql"),
    )
    page = client.get(url).content.decode()
    for user in users:
        assert reverse("admin:zaozhuang_titles_user_change", args=[user.pk]) in page
    assert client.post(reverse("admin:zaozhuang_titles_identifierissue_add")).status_code == 403
