"""The codes an applicant types (patent numbers of achievements, certificate numbers of titles and skill
levels) are posted drawn from the whole of Unicode (``tests/strategies.py``): never a 500, and nothing
stored that is not canonical; a patent number typed in full-width or Arabic-Indic digits is stored as the
ASCII number it means."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from applications.models import Achievement, SkillRecord, TitleRecord
from tests.applications.factories import World, valid_patent
from tests.strategies import code_input, disguised, is_canonical

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
PATENT = valid_patent()


def client_of(client_for, user):
    client = client_for(user)
    client.raise_request_exception = False
    return client


def test_patent_number_from_the_whole_of_unicode_is_stored_canonical_or_refused(client_for):
    world = World()
    draft = world.draft(achievements=0)
    client = client_of(client_for, draft.applicant)
    url = reverse("applications:achievement_add", args=[draft.pk, "patent"])
    stored = []

    @FUZZ
    @given(number=code_input(PATENT, max_size=25))
    def run(number):
        data = {
            "title": "一种主轴冷却装置",
            "occurred_on": "2021-05-20",
            "patent_number": number,
            "patent_type": "invention",
            "inventor_rank": 1,
        }
        response = client.post(url, data)
        assert response.status_code < 500, number
        for value in Achievement.objects.filter(application=draft).values_list("patent_number", flat=True):
            assert is_canonical(value), value
            stored.append(value)

    run()
    assert set(stored) <= {PATENT}


def _full_width(code):
    return "".join(chr(ord(char) + 0xFEE0) for char in code)


def _arabic_indic(code):
    return "".join(chr(0x0660 + int(char)) if char.isdigit() else char for char in code)


@pytest.mark.parametrize(
    "typed", [_full_width(PATENT), _arabic_indic(PATENT), " " + PATENT.lower().replace(".", "。").replace("1", "1 ")]
)
def test_patent_number_in_other_digits_is_stored_as_the_ascii_number(client_for, typed):
    world = World()
    draft = world.draft(achievements=0)
    client_of(client_for, draft.applicant).post(
        reverse("applications:achievement_add", args=[draft.pk, "patent"]),
        {
            "title": "一种主轴冷却装置",
            "occurred_on": "2021-05-20",
            "patent_number": typed,
            "patent_type": "invention",
            "inventor_rank": 1,
        },
    )
    assert Achievement.objects.get(application=draft).patent_number == PATENT


@pytest.mark.parametrize(
    ("section", "model", "data"),
    [
        ("titles", TitleRecord, {"series": "engineering", "level": "intermediate", "name": "工程师"}),
        ("skills", SkillRecord, {"level": "technician", "occupation": "数控车工"}),
    ],
)
def test_certificate_numbers_from_the_whole_of_unicode_are_stored_canonical(client_for, section, model, data):
    world = World()
    applicant = world.applicant()
    client = client_of(client_for, applicant)
    url = reverse("applications:profile_section", args=[section])
    stored = set()

    @FUZZ
    @given(number=code_input("鲁职-2019-00123", max_size=40) | disguised("ZC2019-0042"))
    def run(number):
        response = client.post(url, {**data, "granted_on": "2019-06-30", "certificate_number": number})
        assert response.status_code < 500, number
        for value in model.objects.filter(profile__user=applicant).values_list("certificate_number", flat=True):
            assert is_canonical(value), value
            stored.add(value)

    run()
    assert stored & {"鲁职-2019-00123", "ZC2019-0042"}


def test_objection_form_with_a_superscript_digit_for_the_application_is_not_a_500(client_for):
    """ "²" is a digit to str.isdigit() but not to int(): the preselected application is simply ignored."""
    world = World()
    application = world.submitted()
    notice = world.notice_ended(application)
    client = client_of(client_for, world.contact)
    url = reverse("applications:internal_objection_record", args=[notice.pk])
    response = client.get(url, {"application": "²"})
    assert response.status_code == 200
    assert response.context["form"].initial.get("application") is None
