"""No input reaches a 500: every form of the applications app is posted with arbitrary values
(hypothesis), by the user it belongs to. Field names are read from the rendered form, so the fuzzing
follows the forms as they change."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models import Application
from tests.applications.factories import AchievementFactory, World
from tests.strategies_text import forbidden_text_stored, hostile_text

pytestmark = pytest.mark.django_db

_NAME = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', re.IGNORECASE)
_SKIP = {"csrfmiddlewaretoken", "next", "language"}

#: Values a careless or hostile user types: empty, huge, control characters, direction controls, formulas,
#: full-width digits, dates, numbers, markup (``tests/strategies_text.py`` draws from the whole of Unicode).
values = st.one_of(
    hostile_text,
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "99999999999999999999",
            "1e309",
            "NaN",
            "2022-02-30",
            "2022-13-01",
            "9999-12-31",
            "0001-01-01",
            "ZL201910123456.X",
            "ZL2019101234567",
            "<script>x</script>",
            "' OR 1=1 --",
            "\x00",
            "１２３",
            "true",
            "on",
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


def field_names(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    content = response.content.decode()
    names = sorted(set(_NAME.findall(content)) - _SKIP)
    # Inputs inside the navbar's forms (logout, language) are not the page's form.
    return [name for name in names if not name.startswith("_")]


def fuzz(client, url, post_url=None):
    names = field_names(client, url)

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.fixed_dictionaries(dict.fromkeys(names, values)))
    def run(data):
        response = client.post(post_url or url, data)
        assert response.status_code < 500, (url, data)

    run()
    # Whatever was typed, no stored text holds a control character or a direction control.
    assert forbidden_text_stored() == []


@pytest.fixture
def world(division):
    return World(division=division)


def login(user):
    client = Client(raise_request_exception=False)
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


def test_fuzz_applicant_forms(world):
    application = world.draft()
    client = login(application.applicant)
    fuzz(client, reverse("applications:application_edit", args=[application.pk]))
    for kind in ("patent", "project", "transformation", "award", "standard", "product", "performance"):
        fuzz(client, reverse("applications:achievement_add", args=[application.pk, kind]))
    fuzz(client, reverse("applications:profile"))
    for section in ("educations", "titles", "skills", "work"):
        fuzz(client, reverse("applications:profile_section", args=[section]))
    # Continuing-education hours are entered on the training app's page.
    fuzz(client, reverse("training:entry_add"))


def test_fuzz_withdraw_and_start(world):
    applicant = world.applicant()
    client = login(applicant)
    fuzz(client, reverse("applications:application_start", args=[world.batch.pk]))
    application = Application.objects.filter(applicant=applicant).first() or world.draft(applicant)
    fuzz(client, reverse("applications:application_withdraw", args=[application.pk]))


def test_fuzz_enterprise_forms(world):
    application = world.submitted()
    fuzz(login(world.contact), reverse("applications:internal_notice_start", args=[world.batch.pk]))
    fuzz(login(world.chairman), reverse("applications:nomination_sign", args=[world.batch.pk]))
    assert Application.objects.get(pk=application.pk).status in ("enterprise_review", "nominated")


def test_fuzz_return_form(world):
    application = world.at_district()
    AchievementFactory(application=application)
    fuzz(login(world.district), reverse("applications:return", args=[application.pk]))
