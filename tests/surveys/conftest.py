"""Messages built outside a request (services) are read in English by these tests; pages choose their
language per request, Chinese by default."""

import pytest
from django.utils import translation

from tests.enterprises.factories import ContactFactory, EnterpriseFactory, RecognitionFactory
from tests.surveys.factories import DispatchFactory, RecipientFactory, build_survey
from zaozhuang_titles.models import Role


@pytest.fixture(autouse=True)
def english_outside_requests():
    with translation.override("en"):
        yield


@pytest.fixture
def city_user(make_user):
    return make_user(Role.CITY_STAFF)


@pytest.fixture
def survey(db, city_user):
    """(questionnaire, questions) of ``build_survey``, created by city staff."""
    from tests.surveys.factories import QuestionnaireFactory

    return build_survey(QuestionnaireFactory(created_by=city_user))


@pytest.fixture
def enterprise(division):
    enterprise = EnterpriseFactory(division=division)
    RecognitionFactory(enterprise=enterprise, kind="specialized_sme", level="provincial")
    return enterprise


@pytest.fixture
def contact(enterprise):
    """The portal account of a contact of ``enterprise``."""
    return ContactFactory(enterprise=enterprise, user__roles=[Role.ENTERPRISE_CONTACT]).user


@pytest.fixture
def recipient(survey, enterprise):
    questionnaire, _questions = survey
    return RecipientFactory(dispatch=DispatchFactory(questionnaire=questionnaire), enterprise=enterprise)
