"""Every form of the project, the staff's admin included, refuses control characters and text direction
controls in every free-text field (issue 11, item 2): the forms are found by walking the project's
modules, so a new form is tried without anyone adding it here; one that needs arguments to be built
must get them in ``FORM_KWARGS``, or this test fails and says so."""

import datetime
import importlib
import io
import pkgutil
import sys
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from applications.forms_applicant import achievement_form
from applications.models import AchievementKind, Application, Batch
from applications.services.bulk import bulk_action
from enterprises.models import Enterprise, ServiceCommissioner
from results.models import Objection, PublicityEntry
from tests.factories import UserFactory
from tests.strategies_text import hostile_text
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.identifiers import CodeField
from zaozhuang_titles.models import Division, Role, User
from zaozhuang_titles.text import CleanTextValidator, forbidden_characters

PACKAGES = ["zaozhuang_titles", "enterprises", "training", "applications", "reviews", "results", "dashboard"]
SKIPPED_MODULES = {"zaozhuang_titles.wsgi", "zaozhuang_titles.test_settings"}


def _import_everything():
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if ".migrations" in module.name or module.name in SKIPPED_MODULES:
                continue
            importlib.import_module(module.name)


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def project_forms():
    """Every form class defined in the project's packages (not the admin's generated ones)."""
    _import_everything()
    found = {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in PACKAGES and getattr(sys.modules[cls.__module__], cls.__name__, None) is cls
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _candidate():
    return SimpleNamespace(pk=1, applicant=SimpleNamespace(real_name="张三"))


#: What each form needs to be built, where it needs anything; querysets left empty.
FORM_KWARGS = {
    "applications.forms_applicant.ProfileForm": lambda: {"enterprises": Enterprise.objects.none()},
    "applications.forms_audit.BulkConfirmForm": lambda: {"action": bulk_action("reject"), "actor": None},
    "applications.forms_audit.QueueFilterForm": lambda: {"statuses": [], "with_division": True},
    "dashboard.forms.StatisticsFilterForm": lambda: {"batches": [], "divisions": []},
    "applications.forms_audit.ReturnForm": lambda: {
        "items": [("field:specialty", "专业", "application")],
        "default_deadline": datetime.date(2030, 1, 1),
    },
    "applications.forms_enterprise.ApplicationFilterForm": lambda: {"batches": Batch.objects.none()},
    "applications.forms_enterprise.InternalNoticeForm": lambda: {"applications": Application.objects.none()},
    "applications.forms_enterprise.ObjectionForm": lambda: {
        "notice": SimpleNamespace(starts_on=datetime.date(2030, 1, 1), ends_on=datetime.date(2030, 1, 10)),
        "applications": Application.objects.none(),
    },
    "applications.forms_enterprise.NominationForm": lambda: {"candidates": [_candidate()]},
    "enterprises.forms.EnterpriseFilterForm": lambda: {"divisions": Division.objects.none(), "commissioners": []},
    "enterprises.forms.AssignCommissionerForm": lambda: {"commissioners": ServiceCommissioner.objects.none()},
    "reviews.forms_staff.CasesForm": lambda: {
        "offered": Application.objects.none(),
        "meeting": SimpleNamespace(specialty=SimpleNamespace(name="")),
    },
    "reviews.forms_staff.SubstituteForm": lambda: {"members": []},
    "reviews.forms_staff.CloseVoteForm": lambda: {
        "meeting": SimpleNamespace(chair_id=None, recorder_id=None),
        "attendance": SimpleNamespace(present_ids=[]),
        "recorders": User.objects.none(),
    },
    "reviews.views.meeting.AttendanceForm": lambda: {"seats": []},
    "results.forms_publicity.ObjectionForm": lambda: {"publicity": SimpleNamespace(entries=PublicityEntry.objects)},
}


def _name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


#: Forms that are a template for generated classes: the class actually used for each case.
FORM_CLASSES = {
    "applications.forms_applicant.AchievementForm": lambda: [achievement_form(kind) for kind in AchievementKind],
}


def build(cls, data=None):
    kwargs = FORM_KWARGS.get(_name(cls), dict)()
    form = cls(data=data, **kwargs) if data is not None else cls(**kwargs)
    form.is_valid()  # the validators of fields a form adds in its own __init__ are added before cleaning
    return form


def text_fields(form):
    return {
        name: isinstance(field.widget, forms.Textarea)
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
    }


def test_the_walk_finds_the_forms_of_every_app():
    names = {_name(cls) for cls in project_forms()}

    assert {
        "zaozhuang_titles.forms.RegistrationForm",
        "enterprises.forms.EnterpriseRegistrationForm",
        "applications.forms_applicant.ProfileForm",
        "reviews.views.meeting.BallotForm",
        "results.forms_publicity.ObjectionForm",
        "enterprises.admin.EnterpriseAdminForm",
    } <= names


def test_every_form_of_the_project_uses_the_clean_text_mixin():
    missing = [_name(cls) for cls in project_forms() if not issubclass(cls, CleanTextMixin)]

    assert missing == [], "Put CleanTextMixin first among the bases of these forms"


@pytest.mark.django_db
@pytest.mark.parametrize("declared", project_forms(), ids=_name)
def test_every_text_field_of_every_form_refuses_forbidden_characters(declared):
    for form_class in FORM_CLASSES.get(_name(declared), lambda: [declared])():
        check_text_fields(form_class)


def check_text_fields(form_class):
    if issubclass(form_class, forms.ModelForm) and form_class._meta.model is None:
        return  # the admin's base form for one model; the admin test below tries the form built from it
    fields = text_fields(build(form_class, {}))
    for name, multiline in fields.items():
        validators = [v for v in build(form_class, {}).fields[name].validators if isinstance(v, CleanTextValidator)]
        assert [v.multiline for v in validators] == [multiline], name
    if not fields:
        return

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.fixed_dictionaries(dict.fromkeys(fields, hostile_text)))
    def run(data):
        form = build(form_class, data)
        form.is_valid()
        for name, multiline in fields.items():
            if name in form.errors:
                continue
            assert forbidden_characters(str(form.cleaned_data.get(name) or ""), multiline=multiline) == [], name

    run()


@pytest.mark.django_db
def test_every_admin_form_and_inline_form_refuses_forbidden_characters():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    checked = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PACKAGES:
            continue  # django-axes and the like: read-only lists of what they record
        form_class = model_admin.get_form(request)
        assert issubclass(form_class, CleanTextMixin), model
        checked.append(form_class)
        for inline in model_admin.get_inline_instances(request):
            inline_form = inline.get_formset(request).form
            assert issubclass(inline_form, CleanTextMixin), (model, inline)
            checked.append(inline_form)
    refusals = 0
    for form_class in checked:
        form = form_class(data={})
        for name in text_fields(form):
            field = form.fields[name]
            if field.disabled:
                continue
            if isinstance(field, CodeField):
                # A code (ID number, mobile, credit code) folds to its canonical form first, which drops
                # invisible characters: what is left is either refused or clean.
                try:
                    cleaned = field.clean("a\u202eb")
                except forms.ValidationError:
                    refusals += 1
                else:
                    assert forbidden_characters(cleaned, multiline=False) == [], (form_class, name)
                continue
            with pytest.raises(forms.ValidationError):
                field.clean("a\u202eb")
            refusals += 1
    assert refusals > 20
    assert Enterprise in admin.site._registry


# Pages: what a person sees, and what is stored.


@pytest.mark.django_db
def test_registration_refuses_a_name_with_a_control_character_and_names_its_position(client):
    from tests.zaozhuang_titles.test_accounts import registration_data

    response = client.post(reverse("register"), registration_data(real_name="张\x01三"))

    assert response.status_code == 200
    assert "第2个字符（U+0001，控制字符）" in response.content.decode()
    assert not User.objects.filter(mobile="13812345678").exists()


@pytest.fixture
def notice(db):
    from tests.applications.factories import World
    from tests.results.test_publicity import publish

    publicity, _applications = publish(World())
    return publicity


@pytest.mark.django_db
def test_public_objection_refuses_a_direction_control_in_the_facts_and_stores_nothing(client, notice):
    entry = notice.entries.get()
    data = {"entry": entry.pk, "name": "王五", "mobile": "13912345678", "relation": "同事"}

    response = client.post(reverse("results:publicity_notice", args=[notice.pk]), {**data, "facts": "属实\u202e否"})

    assert response.status_code == 200
    assert "第3个字符（U+202E，文字方向控制符）" in response.content.decode()
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_public_objection_with_any_text_never_fails_and_stores_only_clean_text(client, notice):
    entry = notice.entries.get()
    url = reverse("results:publicity_notice", args=[notice.pk])
    addresses = iter(range(1, 10_000))

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(name=hostile_text, relation=hostile_text, facts=hostile_text)
    def run(name, relation, facts):
        data = {"entry": entry.pk, "name": name, "mobile": "13912345678", "relation": relation, "facts": facts}
        number = next(addresses)  # one address per objection: the form allows one per address and hour
        response = client.post(url, data, REMOTE_ADDR=f"198.51.{number // 250}.{number % 250 + 1}")
        assert response.status_code in (200, 302)

    run()
    for objection in Objection.objects.all():
        assert forbidden_characters(objection.name) == []
        assert forbidden_characters(objection.relation) == []
        assert forbidden_characters(objection.facts, multiline=True) == []


@pytest.mark.django_db
def test_registration_with_any_name_never_fails_and_stores_only_clean_names(client):
    from tests.zaozhuang_titles.test_accounts import registration_data

    mobiles = iter(range(10_000_000))

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(name=hostile_text)
    def run(name):
        data = registration_data(real_name=name, mobile=f"137{next(mobiles):08d}", role="enterprise_contact")
        data["id_number"] = ""
        response = client.post(reverse("register"), data)
        assert response.status_code in (200, 302)
        client.logout()

    run()
    assert all(forbidden_characters(name) == [] for name in User.objects.values_list("real_name", flat=True))


def _upload(headers, row):
    book = Workbook()
    book.active.append(headers)
    book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("list.xlsx", buffer.getvalue())


@pytest.mark.django_db
def test_enterprise_import_page_refuses_a_cell_with_a_direction_control(client_for, make_user, division):
    from enterprises.excel import COLUMNS

    headers = [title for _key, title in COLUMNS]
    values = {"企业名称": "枣庄\u202e公司", "统一社会信用代码": "x", "法定代表人": "钱七", "区(市)": "滕州市"}
    client = client_for(make_user(Role.CITY_STAFF))

    response = client.post(
        reverse("enterprises:import"), {"file": _upload(headers, [values.get(h, "") for h in headers])}
    )

    assert response.status_code == 200
    assert "第2行“企业名称”列：第3个字符（U+202E，文字方向控制符）" in response.content.decode()
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_expert_import_page_refuses_a_control_character_but_allows_line_breaks_in_specialties(client_for, make_user):
    from reviews.excel import COLUMNS

    headers = [title for _key, title in COLUMNS]
    row = ["赵\x85六", "13712345678", "正高级工程师", "正高级", "机械\n电气", "某大学", "", "2024-01-01", "2026-01-01"]
    client = client_for(make_user(Role.CITY_STAFF))

    response = client.post(reverse("reviews:staff_experts_import"), {"file": _upload(headers, row)})

    content = response.content.decode()
    assert response.status_code == 200
    assert "第2行“姓名”列：第2个字符（U+0085，控制字符）" in content
    assert "评审专业" not in content.split("第2行")[1].split("。")[0]


# Pages of the enterprises and results apps, through the fuzz harness of the applications' pages
# (which posts ``hostile_text`` among its values and checks that nothing stored holds a forbidden character).


@pytest.mark.django_db
def test_fuzz_enterprise_registration(make_user, division):
    from tests.applications.test_fuzz import fuzz, login

    fuzz(login(make_user(Role.ENTERPRISE_CONTACT)), reverse("enterprises:register"))


@pytest.mark.django_db
def test_fuzz_publicity_publish_and_objection_decision(notice):
    from results.services.publicity import objection_submit
    from tests.applications.factories import World
    from tests.applications.test_fuzz import fuzz, login
    from tests.results.test_publicity import passed

    world = World()
    passed(world)
    city = login(world.city)
    fuzz(city, reverse("results:publicity_publish", args=[world.batch.pk]))
    objection = objection_submit(
        entry=notice.entries.get(), ip="203.0.113.7", name="王五", mobile="13912345678", relation="同事", facts="x"
    )
    fuzz(city, reverse("results:publicity_objection", args=[objection.pk]))


@pytest.mark.django_db
def test_admin_list_editable_forms_refuse_forbidden_characters_too():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    model_admin = admin.site._registry[Division]

    form_class = model_admin.get_changelist_form(request)

    assert issubclass(form_class, CleanTextMixin)
