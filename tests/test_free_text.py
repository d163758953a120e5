"""Every form of the project, the staff's admin included, refuses control characters and text direction
controls in every free-text field (issue 11, item 2): the forms are found by walking the project's
modules, so a new form is tried without anyone adding it here; one that needs arguments to be built
must get them in ``FORM_KWARGS``, or this test fails and says so."""

import datetime
import importlib
import pkgutil
import sys
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.forms_applicant import achievement_form
from applications.models import AchievementKind, Application, Batch
from enterprises.models import Enterprise, ServiceCommissioner
from results.models import PublicityEntry
from tests.factories import UserFactory
from tests.strategies_text import hostile_text
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.models import Division
from zaozhuang_titles.text import CleanTextValidator, forbidden_characters

PACKAGES = ["zaozhuang_titles", "enterprises", "applications", "reviews", "results"]
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
    "applications.forms_audit.QueueFilterForm": lambda: {"statuses": [], "with_division": True},
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
            with pytest.raises(forms.ValidationError):
                field.clean("a\u202eb")
            refusals += 1
    assert refusals > 20
    assert Enterprise in admin.site._registry
