"""Writes of hours: a person's entry with a certificate checked like evidence, its withdrawal, and the
recognition by the staff in charge of the person's workplace, each decision logged."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.applications.factories import ProfileFactory, tiny_pdf
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import DivisionFactory, UserFactory
from tests.training.factories import EntryFactory, TrainingImportFactory
from training import services
from training.models import Category, EntryStatus, Source, TrainingDecision, TrainingEntry
from training.rules import ENTRY_PERMISSIONS
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def person():
    """An applicant working at an enterprise of 滕州市 (370481)."""
    division = DivisionFactory(code="370481")
    return ProfileFactory(enterprise=EnterpriseFactory(division=division)).user


def add(person, **overrides):
    values = {
        "person": person,
        "year": 2024,
        "category": Category.SPECIALTY,
        "hours": 16,
        "course": "中国机械工程学会年会",
        "provider": "中国机械工程学会",
        "certificate": SimpleUploadedFile("学时证明.pdf", tiny_pdf("hours"), content_type="application/pdf"),
    }
    values.update(overrides)
    return services.entry_add(**values)


def test_entry_add_stores_the_checked_certificate(person):
    entry = add(person)
    assert (entry.source, entry.status, entry.created_by) == (Source.CERTIFICATE, EntryStatus.PENDING, person)
    assert entry.certificate_storage_name.startswith("training/")
    assert default_storage.exists(entry.certificate_storage_name)
    assert (entry.certificate_name, entry.certificate_type) == ("学时证明.pdf", "application/pdf")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("证明.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "its content is HTML"),
        ("证明.exe", b"MZ\x90\x00" + b"\x00" * 60, "not a PDF, JPEG or PNG file"),
        ("证明.pdf", b"", "is empty"),
    ],
)
def test_entry_add_refuses_a_hostile_certificate_and_writes_nothing(person, name, content, message):
    with pytest.raises(ValidationError, match=message):
        add(person, certificate=SimpleUploadedFile(name, content))
    assert not TrainingEntry.objects.exists()


def test_entry_add_refuses_bad_hours_before_storing_the_file(person, tmp_path):
    with pytest.raises(ValidationError) as caught:
        add(person, hours=0)
    assert "hours" in caught.value.message_dict
    assert not TrainingEntry.objects.exists()
    assert not list(tmp_path.rglob("*.pdf"))


def test_only_applicants_enter_hours():
    with pytest.raises(PermissionDenied):
        add(UserFactory(roles=[Role.DISTRICT_STAFF]))


def test_withdraw_own_pending_entry_removes_it_and_its_file(person, django_capture_on_commit_callbacks):
    entry = add(person)
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_withdraw(entry=entry, actor=person)
    assert not TrainingEntry.objects.filter(pk=entry.pk).exists()
    assert not default_storage.exists(entry.certificate_storage_name)


def test_withdraw_refused_once_decided_or_by_another(person):
    entry = add(person)
    with pytest.raises(PermissionDenied):
        services.entry_withdraw(entry=entry, actor=ProfileFactory().user)
    services.entry_decide(entry=entry, actor=UserFactory(roles=[Role.CITY_STAFF]), recognise=True)
    with pytest.raises(ValidationError, match="already decided"):
        services.entry_withdraw(entry=entry, actor=person)
    assert TrainingEntry.objects.filter(pk=entry.pk).exists()


def test_decide_logs_who_when_why(person):
    entry = EntryFactory(person=person)
    city = UserFactory(roles=[Role.CITY_STAFF])
    services.entry_decide(entry=entry, actor=city, recognise=False, reason="证明与课程名称不符")
    services.entry_decide(entry=entry, actor=city, recognise=True, reason="补交证明后核实无误")
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by, entry.reason) == (EntryStatus.RECOGNISED, city, "补交证明后核实无误")
    log = [(d.from_status, d.to_status, d.actor, d.reason) for d in TrainingDecision.objects.order_by("id")]
    assert log == [
        (EntryStatus.PENDING, EntryStatus.REFUSED, city, "证明与课程名称不符"),
        (EntryStatus.REFUSED, EntryStatus.RECOGNISED, city, "补交证明后核实无误"),
    ]


def test_refusal_needs_a_reason(person):
    entry = EntryFactory(person=person)
    with pytest.raises(ValidationError) as caught:
        services.entry_decide(entry=entry, actor=UserFactory(roles=[Role.CITY_STAFF]), recognise=False, reason="  ")
    assert "reason" in caught.value.message_dict
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING
    assert not TrainingDecision.objects.exists()


def test_decide_twice_the_same_or_on_a_stale_copy_is_refused(person):
    entry = EntryFactory(person=person)
    stale = TrainingEntry.objects.get(pk=entry.pk)
    city = UserFactory(roles=[Role.CITY_STAFF])
    services.entry_decide(entry=entry, actor=city, recognise=True)
    with pytest.raises(ValidationError, match="already"):
        services.entry_decide(entry=entry, actor=city, recognise=True)
    with pytest.raises(ValidationError, match="Someone else decided"):
        services.entry_decide(entry=stale, actor=city, recognise=False, reason="重复")
    assert TrainingDecision.objects.count() == 1


def test_who_may_decide_follows_the_persons_workplace(person):
    """District staff of the person's division decide; those of another division, the person itself,
    other roles and anyone on a person without an employer (city staff only) do not."""
    entry = EntryFactory(person=person)
    own_district = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=DivisionFactory(code="370481"))
    other_district = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=DivisionFactory(code="370403"))
    city = UserFactory(roles=[Role.CITY_STAFF])
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    decide = ENTRY_PERMISSIONS["decide"]
    assert [decide(user, entry) for user in (own_district, other_district, city, admin, person)] == [
        True,
        False,
        True,
        True,
        False,
    ]
    for user in (other_district, person, UserFactory(roles=[Role.COMMISSIONER])):
        with pytest.raises(PermissionDenied):
            services.entry_decide(entry=entry, actor=user, recognise=True)
    services.entry_decide(entry=entry, actor=own_district, recognise=True)
    homeless = EntryFactory()  # an applicant without a profile
    assert not decide(own_district, homeless)
    assert decide(city, homeless)


def test_moving_employer_moves_the_district_in_charge(person):
    entry = EntryFactory(person=person)
    other_division = DivisionFactory(code="370403")
    other_district = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=other_division)
    assert not ENTRY_PERMISSIONS["decide"](other_district, entry)
    profile = person.applicant_profile
    profile.enterprise = EnterpriseFactory(division=other_division)
    profile.save()
    entry = TrainingEntry.objects.get(pk=entry.pk)
    assert ENTRY_PERMISSIONS["decide"](other_district, entry)


def test_import_recognise_pending_recognises_only_that_imports_pending(person):
    city = UserFactory(roles=[Role.CITY_STAFF])
    training_import = TrainingImportFactory()
    common = {"person": person, "source": Source.IMPORTED, "certificate_storage_name": ""}
    pending = EntryFactory(training_import=training_import, platform_record="A", **common)
    refused = EntryFactory(training_import=training_import, platform_record="B", status=EntryStatus.REFUSED, **common)
    elsewhere = EntryFactory(person=person)
    assert services.import_recognise_pending(training_import=training_import, actor=city) == 1
    statuses = {e.pk: e.status for e in TrainingEntry.objects.all()}
    assert statuses == {
        pending.pk: EntryStatus.RECOGNISED,
        refused.pk: EntryStatus.REFUSED,
        elsewhere.pk: EntryStatus.PENDING,
    }
    assert list(TrainingDecision.objects.values_list("entry_id", "actor_id")) == [(pending.pk, city.pk)]
    with pytest.raises(PermissionDenied):
        services.import_recognise_pending(
            training_import=training_import, actor=UserFactory(roles=[Role.DISTRICT_STAFF])
        )
