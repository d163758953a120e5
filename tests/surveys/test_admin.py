"""Django admin of questionnaires: city staff's, read only (the pages and services own them), flat."""

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Questionnaire, Response, SurveyEvent
from tests.enterprises.factories import ContactFactory
from tests.helpers import assert_constant_queries, estimated_count_queries
from tests.surveys.factories import QuestionnaireFactory, RecipientFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


def answered():
    recipient = RecipientFactory()
    return Response.objects.create(
        recipient=recipient,
        contact=ContactFactory(enterprise=recipient.enterprise),
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )


def test_survey_admin_is_city_staffs_and_read_only(role_users, client_for):
    response = answered()
    questionnaire = response.recipient.dispatch.questionnaire
    city = client_for(role_users[Role.CITY_STAFF.value])
    district = client_for(role_users[Role.DISTRICT_STAFF.value])

    page = city.get(reverse("admin:surveys_response_change", args=[response.pk])).content.decode()
    refused = city.post(reverse("admin:surveys_questionnaire_change", args=[questionnaire.pk]), {"title": "改名"})

    assert reverse("surveys:response", args=[response.pk]) in page
    assert refused.status_code == 403
    assert Questionnaire.objects.get(pk=questionnaire.pk).title == questionnaire.title
    assert district.get(reverse("admin:surveys_response_changelist")).status_code == 403


@pytest.mark.parametrize(
    ("model", "add", "expected"),
    [
        ("questionnaire", QuestionnaireFactory, 10),
        ("dispatch", lambda: RecipientFactory().dispatch, 10),
        ("response", answered, 11),
        ("surveyevent", lambda: SurveyEvent.objects.create(action=SurveyEvent.Action.SENT), 10),
    ],
)
def test_survey_admin_lists_cost_the_same_at_1_and_3_rows(
    model, add, expected, role_users, client_for, django_assert_num_queries
):
    city = client_for(role_users[Role.CITY_STAFF.value])
    url = reverse(f"admin:surveys_{model}_changelist")

    assert_constant_queries(
        django_assert_num_queries, lambda: city.get(url), add, expected=expected + estimated_count_queries()
    )
