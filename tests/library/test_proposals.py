"""The tag rules of the 一企一策 proposals, at the level where they live (pure functions), and the staff
structure read from an enterprise's applications, titles, skill levels and recognitions."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from applications.models import SkillRecord, TitleRecord
from library.proposals import StaffStructure, document_fit, propose, reason_text, structure_from
from library.selectors import enterprise_staff_structure, proposals_for
from tests.applications.factories import ApplicationFactory, ProfileFactory
from tests.enterprises.factories import EnterpriseFactory, RecognitionFactory
from tests.factories import BatchFactory
from tests.library.factories import make_document

TODAY = datetime.date(2026, 3, 2)


def doc(series=(), levels=(), channels=(), effective_from=TODAY, effective_until=None):
    version = SimpleNamespace(
        is_effective=lambda today: effective_from <= today and (effective_until is None or effective_until >= today)
    )
    return SimpleNamespace(series=list(series), levels=list(levels), channels=list(channels), current_version=version)


def test_structure_from_reads_applications_titles_skills_and_recognitions():
    structure = structure_from(
        applications=[("engineering", "deputy_senior", "regular")],
        titles=[("engineering", "assistant")],
        skills=["senior_technician"],
        has_valid_recognition=True,
    )

    assert structure == StaffStructure(
        series=frozenset({"engineering"}),
        # 副高级 applied for; 助理 → 中级 next; 高级技师 → 副高级 by the skill route.
        levels=frozenset({"deputy_senior", "intermediate"}),
        channels=frozenset({"regular", "dedicated"}),
    )


def test_structure_from_senior_title_and_technician():
    structure = structure_from(titles=[("engineering", "deputy_senior")], skills=["technician"])

    assert structure.levels == frozenset({"senior", "intermediate"})
    assert structure.channels == frozenset()


def test_untagged_document_fits_everyone_with_its_reason():
    structure = structure_from(applications=[("engineering", "senior", "regular")])

    assert document_fit(doc(), structure) == []
    assert reason_text([]) == "For every enterprise"


def test_tagged_document_fits_when_a_value_is_shared_and_names_it():
    structure = structure_from(applications=[("engineering", "deputy_senior", "dedicated")])

    matched = document_fit(doc(levels=["deputy_senior", "senior"], channels=["dedicated"]), structure)

    assert matched == ["Deputy senior (副高级)", "Dedicated channel for 专精特新 and 单项冠军 enterprises (专项通道)"]


def test_tagged_document_does_not_fit_when_one_dimension_differs():
    structure = structure_from(applications=[("engineering", "deputy_senior", "regular")])

    assert document_fit(doc(levels=["deputy_senior"], channels=["dedicated"]), structure) is None
    assert document_fit(doc(levels=["intermediate"]), structure) is None


def test_unknown_dimension_rules_nothing_out():
    """An enterprise without applications or titles: its levels are not known, so level-tagged
    documents are proposed; its recognition still says dedicated channel."""
    structure = structure_from(has_valid_recognition=True)

    assert document_fit(doc(levels=["senior"]), structure) == []
    assert document_fit(doc(channels=["regular"]), structure) is None
    assert document_fit(doc(channels=["dedicated"]), structure) == [
        "Dedicated channel for 专精特新 and 单项冠军 enterprises (专项通道)"
    ]


def test_propose_leaves_out_documents_not_in_effect():
    structure = StaffStructure()
    current = doc()
    future = doc(effective_from=TODAY + datetime.timedelta(days=1))
    ended = doc(effective_from=TODAY - datetime.timedelta(days=90), effective_until=TODAY - datetime.timedelta(days=1))
    unpublished = SimpleNamespace(series=[], levels=[], channels=[], current_version=None)

    assert propose([current, future, ended, unpublished], structure, today=TODAY) == [(current, "For every enterprise")]


@pytest.mark.django_db
def test_enterprise_staff_structure_from_the_database(django_assert_num_queries):
    enterprise = EnterpriseFactory()
    RecognitionFactory(enterprise=enterprise)
    ApplicationFactory(enterprise=enterprise, batch=BatchFactory(level="deputy_senior", channel="dedicated"))
    profile = ProfileFactory(enterprise=enterprise)
    TitleRecord.objects.create(
        profile=profile, level="assistant", name="助理工程师", granted_on=datetime.date(2018, 1, 1)
    )
    SkillRecord.objects.create(
        profile=profile, level="senior_technician", occupation="钳工", granted_on=datetime.date(2019, 1, 1)
    )
    other = EnterpriseFactory()
    ApplicationFactory(enterprise=other, batch=BatchFactory(level="senior", channel="regular"))

    with django_assert_num_queries(4):
        structure = enterprise_staff_structure(enterprise)

    assert structure == StaffStructure(
        series=frozenset({"engineering"}),
        levels=frozenset({"deputy_senior", "intermediate"}),
        channels=frozenset({"dedicated"}),
    )


@pytest.mark.django_db
def test_expired_recognition_does_not_open_the_dedicated_channel():
    enterprise = EnterpriseFactory()
    RecognitionFactory(enterprise=enterprise, expires_on=timezone.localdate() - datetime.timedelta(days=1))

    assert enterprise_staff_structure(enterprise).channels == frozenset()


@pytest.mark.django_db
def test_proposals_for_an_enterprise_pick_the_documents_its_structure_fits():
    enterprise = EnterpriseFactory()
    RecognitionFactory(enterprise=enterprise)
    ApplicationFactory(enterprise=enterprise, batch=BatchFactory(level="deputy_senior", channel="dedicated"))
    guide = make_document(title="申报指南", levels=["deputy_senior"], channels=["dedicated"])
    leaflet = make_document(title="政策明白纸")
    make_document(title="正高级评审条件", levels=["senior"])
    make_document(title="普通通道申报须知", channels=["regular"])

    proposals = proposals_for(enterprise)

    assert sorted((document.title, reason) for document, reason in proposals) == sorted(
        [
            (guide.title, "Deputy senior (副高级)、Dedicated channel for 专精特新 and 单项冠军 enterprises (专项通道)"),
            (leaflet.title, "For every enterprise"),
        ]
    )
