"""Sending: the selection of enterprises, the recipients' links, and the contacts told."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from surveys.models import Dispatch, Recipient, SurveyEvent
from surveys.selectors import enterprises_selected
from surveys.services import dispatch_send, questionnaire_new_version
from tests.enterprises.factories import ContactFactory, EnterpriseFactory, RecognitionFactory
from tests.factories import DivisionFactory
from tests.surveys.factories import QuestionnaireFactory
from zaozhuang_titles.models import Notice

pytestmark = pytest.mark.django_db


def criteria(**given):
    return {"divisions": [], "kinds": [], "levels": [], "key": "", "codes": [], **given}


@pytest.fixture
def registry(division, other_division):
    """Enterprises of two divisions with different recognitions, key or not."""
    made = {
        "tengzhou_key_giant": EnterpriseFactory(division=division, is_key=True),
        "tengzhou_other_sme": EnterpriseFactory(division=division, is_key=False),
        "shizhong_key_sme": EnterpriseFactory(division=other_division, is_key=True),
        "shizhong_expired": EnterpriseFactory(division=other_division, is_key=True),
        "pending": EnterpriseFactory(division=division, status="pending"),
    }
    RecognitionFactory(enterprise=made["tengzhou_key_giant"], kind="little_giant", level="national")
    RecognitionFactory(enterprise=made["tengzhou_other_sme"], kind="specialized_sme", level="provincial")
    RecognitionFactory(enterprise=made["shizhong_key_sme"], kind="specialized_sme", level="provincial")
    RecognitionFactory(
        enterprise=made["shizhong_expired"],
        kind="specialized_sme",
        level="provincial",
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    return made


def names(queryset, registry):
    by_pk = {enterprise.pk: name for name, enterprise in registry.items()}
    return sorted(by_pk[pk] for pk in queryset.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"divisions": "tengzhou"}, ["tengzhou_key_giant", "tengzhou_other_sme"]),
        ({"kinds": ["specialized_sme"]}, ["shizhong_key_sme", "tengzhou_other_sme"]),
        ({"levels": ["national"]}, ["tengzhou_key_giant"]),
        ({"key": "yes"}, ["shizhong_expired", "shizhong_key_sme", "tengzhou_key_giant"]),
        ({"key": "no"}, ["tengzhou_other_sme"]),
        ({"key": "yes", "kinds": ["specialized_sme"]}, ["shizhong_key_sme"]),
        ({"levels": ["national"], "codes": "shizhong_expired"}, ["shizhong_expired", "tengzhou_key_giant"]),
        ({}, []),
    ],
)
def test_enterprises_selected_by_criteria(registry, division, given, expected):
    if given.get("divisions") == "tengzhou":
        given["divisions"] = [division.pk]
    if "codes" in given:
        given["codes"] = [registry[given["codes"]].credit_code]

    selected, unknown = enterprises_selected(criteria(**given))

    assert (names(selected, registry), unknown) == (expected, [])


def test_hand_picked_codes_of_no_active_enterprise_are_named(registry):
    _selected, unknown = enterprises_selected(criteria(codes=[registry["pending"].credit_code, "91370481MA0000000X"]))

    assert unknown == [registry["pending"].credit_code, "91370481MA0000000X"]


def test_sending_makes_a_link_per_enterprise_and_tells_its_contacts(survey, city_user, registry, division):
    questionnaire, _questions = survey
    contacts = [ContactFactory(enterprise=registry["tengzhou_key_giant"]).user for _ in range(2)]
    ContactFactory(enterprise=registry["tengzhou_other_sme"], user=None)
    deadline = timezone.localdate() + datetime.timedelta(days=10)

    dispatch = dispatch_send(
        questionnaire=questionnaire, actor=city_user, deadline=deadline, criteria=criteria(divisions=[division.pk])
    )

    recipients = list(Recipient.objects.filter(dispatch=dispatch))
    assert sorted(r.enterprise_id for r in recipients) == sorted(
        [registry["tengzhou_key_giant"].pk, registry["tengzhou_other_sme"].pk]
    )
    assert len({r.token for r in recipients}) == 2 and all(len(r.token) >= 20 for r in recipients)
    told = Notice.objects.filter(key__startswith="survey-sent:")
    assert sorted(n.recipient_id for n in told) == sorted(u.pk for u in contacts)
    assert all(n.url.startswith("/surveys/a/") for n in told)
    assert SurveyEvent.objects.get(dispatch=dispatch).action == SurveyEvent.Action.SENT


def test_sending_costs_a_fixed_number_of_queries(survey, city_user, division, django_assert_num_queries):
    questionnaire, _questions = survey

    def send(count):
        for _ in range(count):
            ContactFactory(enterprise=EnterpriseFactory(division=division))
        with django_assert_num_queries(18):
            dispatch_send(
                questionnaire=questionnaire,
                actor=city_user,
                deadline=timezone.localdate(),
                criteria=criteria(divisions=[division.pk]),
            )

    send(1)
    send(5)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no enterprise", "No active enterprise matches this selection"),
        ("unknown code", "No active enterprise has these credit codes"),
        ("past deadline", "The deadline cannot be before the day the questionnaire is sent."),
        ("no question", "The questionnaire has no question yet"),
        ("old version", "Version 2 replaces this one; send the newest version."),
    ],
)
def test_sending_is_refused_with_a_reason(survey, city_user, division, case, message):
    questionnaire, _questions = survey
    EnterpriseFactory(division=division)
    given = criteria(divisions=[division.pk])
    deadline = timezone.localdate()
    if case == "no enterprise":
        given = criteria(divisions=[DivisionFactory(code="370406").pk])
    elif case == "unknown code":
        given = criteria(codes=["91370481MA0000000X"])
    elif case == "past deadline":
        deadline -= datetime.timedelta(days=1)
    elif case == "no question":
        questionnaire = QuestionnaireFactory(created_by=city_user)
    else:
        questionnaire_new_version(questionnaire=questionnaire, actor=city_user)

    with pytest.raises(ValidationError, match=message):
        dispatch_send(questionnaire=questionnaire, actor=city_user, deadline=deadline, criteria=given)
    assert not Dispatch.objects.exists()
