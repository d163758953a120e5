"""The chairman's signed nomination: ranking, one-time code, letter, supersession, scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from applications import services
from applications.models import Nomination, NominationEntry, Status
from tests.applications.factories import World
from tests.documents import needs_poppler, pdf_text, snapshot
from tests.enterprises.factories import EnterpriseFactory
from zaozhuang_titles import signing
from zaozhuang_titles.models import OneTimeCode, SmsMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(division):
    return World(division=division)


def code_sent(world):
    services.nomination_request_code(chairman=world.chairman, enterprise=world.enterprise, batch=world.batch)
    text = SmsMessage.objects.latest("id").text
    return next(word for word in text.replace("，", " ").replace(",", " ").split() if word.isdigit() and len(word) == 6)


def test_sign_ranks_moves_and_writes_the_letter(world):
    first, second = world.submitted(), world.submitted()
    code = code_sent(world)
    nomination = services.nomination_sign(
        chairman=world.chairman,
        enterprise=world.enterprise,
        batch=world.batch,
        ranking=[(second, "贡献最大"), (first, "骨干")],
        code=code,
        ip="10.0.0.8",
    )
    entries = list(nomination.entries.order_by("rank").values_list("application_id", "rank"))
    assert entries == [(second.pk, 1), (first.pk, 2)]
    assert nomination.signed_ip == "10.0.0.8"
    assert nomination.letter.endswith(".pdf") and len(nomination.letter_sha256) == 64
    from django.core.files.storage import default_storage

    with default_storage.open(nomination.letter) as letter:
        assert letter.read(5) == b"%PDF-"
    for application in (first, second):
        application.refresh_from_db()
        assert application.status == Status.NOMINATED
        assert application.transitions.filter(action="nominate", actor_role="chairman").count() == 1


@needs_poppler
@pytest.mark.real_documents
def test_the_letter_is_on_the_letterhead_attested_closed_and_signed(world):
    first, second = world.submitted(), world.submitted()
    nomination = services.nomination_sign(
        chairman=world.chairman,
        enterprise=world.enterprise,
        batch=world.batch,
        ranking=[(second, "贡献最大 <b>&amp;</b>"), (first, "骨干")],
        code=code_sent(world),
    )
    with default_storage.open(nomination.letter, "rb") as letter:
        data = letter.read()
    snapshot("nomination_letter", data)
    text = pdf_text(data)

    for expected in (
        world.enterprise.name,  # letterhead and closing block
        world.enterprise.credit_code,
        "举荐信",
        second.applicant.real_name,
        first.number,
        "贡献最大<b>&amp;</b>",  # stored text printed as it is
        f"本人{world.chairman.real_name}（董事长）确认",
        "短信验证码",
        "（盖章）",
        *[entry.content_sha256 for entry in nomination.entries.all()],
    ):
        assert expected in text, expected
    assert text.index(second.applicant.real_name) < text.index(first.applicant.real_name)  # ranked
    for application in (first, second):
        assert application.applicant.id_number not in text and application.applicant.mobile not in text
    assert world.chairman.mobile not in text
    assert signing.validate_pdf(data).valid


def test_wrong_code_writes_nothing(world):
    application = world.submitted()
    code_sent(world)
    with pytest.raises(ValidationError):
        services.nomination_sign(
            chairman=world.chairman,
            enterprise=world.enterprise,
            batch=world.batch,
            ranking=[(application, "推荐")],
            code="000000",
        )
    assert not Nomination.objects.exists()
    assert application.__class__.objects.get(pk=application.pk).status == Status.ENTERPRISE_REVIEW
    # The wrong try counts although the signing was refused (five lock the code).
    assert OneTimeCode.objects.get(user=world.chairman).attempts == 1


def test_ranking_must_name_every_candidate_once_with_a_recommendation(world):
    first, second = world.submitted(), world.submitted()
    for ranking in ([(first, "a")], [(first, "a"), (first, "b")], [(first, "a"), (second, " ")]):
        with pytest.raises(ValidationError):
            services.nomination_sign(
                chairman=world.chairman, enterprise=world.enterprise, batch=world.batch, ranking=ranking, code="1"
            )
    assert not Nomination.objects.exists()


def test_chairman_cannot_sign_for_another_enterprise(world):
    application = world.submitted()
    other = EnterpriseFactory(division=world.division)
    with pytest.raises(PermissionDenied):
        services.nomination_request_code(chairman=world.chairman, enterprise=other, batch=world.batch)
    with pytest.raises(PermissionDenied):
        services.nomination_sign(
            chairman=world.chairman, enterprise=other, batch=world.batch, ranking=[(application, "x")], code="1"
        )
    outsider = World(division=world.division)
    foreign = outsider.submitted()
    world.submitted()
    with pytest.raises(PermissionDenied):
        services.nomination_sign(
            chairman=world.chairman,
            enterprise=world.enterprise,
            batch=world.batch,
            ranking=[(foreign, "x")],
            code="1",
        )
    assert not Nomination.objects.exists()


def test_signing_again_supersedes_the_earlier_signature(world):
    application = world.submitted()
    world.sign(application)
    code = code_sent(world)
    services.nomination_sign(
        chairman=world.chairman,
        enterprise=world.enterprise,
        batch=world.batch,
        ranking=[(application, "再次确认")],
        code=code,
    )
    assert NominationEntry.objects.filter(application=application, voided_at__isnull=True).count() == 1
    assert NominationEntry.objects.filter(application=application, voided_at__isnull=False).count() == 1
