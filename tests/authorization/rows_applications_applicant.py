"""Matrix rows of the applications app: the applicant's pages, and the progress page and evidence
download that everyone taking part in an application opens.

The matrix's applicant owns the application of each setup; the matrix's contact and chairman belong
to its enterprise, and the matrix's district staff serve its division."""

from applications.demo import give_demo_photo
from applications.models import EducationRecord
from tests.applications.factories import (
    ProfileFactory,
    World,
    evidence_for,
    give_regular_qualification,
)
from tests.authorization.matrix import REDIRECT, Outsider, Row, hidden, outcome
from tests.enterprises.factories import ContactFactory
from tests.factories import BatchFactory
from zaozhuang_titles.models import Role

APPLICANT = [Role.APPLICANT]
#: Everyone who may see an application once it reached the district: the applicant, its enterprise,
#: the district's staff and the city.
PARTICIPANTS = [
    Role.APPLICANT,
    Role.ENTERPRISE_CONTACT,
    Role.CHAIRMAN,
    Role.DISTRICT_STAFF,
    Role.CITY_STAFF,
    Role.ADMINISTRATOR,
]


def matrix_world(ctx):
    """A World whose contact, chairman, district staff, city staff and applicant are the matrix's users."""
    users = ctx["users"]
    world = World(division=users[Role.DISTRICT_STAFF.value].district)
    world.contact = ContactFactory(enterprise=world.enterprise, user=users[Role.ENTERPRISE_CONTACT.value]).user
    world.chairman = users[Role.CHAIRMAN.value]
    world.enterprise.chairman = world.chairman
    world.enterprise.save(update_fields=["chairman"])
    world.district = users[Role.DISTRICT_STAFF.value]
    world.city = users[Role.CITY_STAFF.value]
    applicant = users[Role.APPLICANT.value]
    give_regular_qualification(ProfileFactory(user=applicant, enterprise=world.enterprise))
    ctx["world"], ctx["applicant"] = world, applicant
    return world


def own_profile(ctx):
    matrix_world(ctx)
    ctx["record"] = EducationRecord.objects.filter(profile__user=ctx["applicant"]).first()
    ctx["batch"] = BatchFactory()


def own_profile_with_photo(ctx):
    own_profile(ctx)
    give_demo_photo(ctx["applicant"], 0)


def own_draft(ctx):
    world = matrix_world(ctx)
    application = world.draft(ctx["applicant"])
    ctx["application"] = application
    ctx["achievement"] = application.achievements.first()
    ctx["evidence"] = evidence_for(application, name="学位证书.pdf")


def own_at_district(ctx):
    world = matrix_world(ctx)
    application = world.at_district(ctx["applicant"])
    ctx["application"] = application
    ctx["evidence"] = application.evidence.first()


def application_pk(ctx):
    return {"pk": ctx["application"].pk}


def achievement_kwargs(ctx):
    return {"pk": ctx["application"].pk, "achievement_pk": ctx["achievement"].pk}


def evidence_kwargs(ctx):
    return {"pk": ctx["application"].pk, "evidence_pk": ctx["evidence"].pk}


def evidence_pk(ctx):
    return {"pk": ctx["evidence"].pk}


def applicant_row(
    name, *, get=200, post=200, setup=own_draft, kwargs=application_pk, data=None, outsider=None, refuses=False
):
    """A page of the applicant's own; another enterprise's applicant gets 404 (405 for a method the
    page does not answer) unless ``outsider`` says otherwise."""
    if outsider is None:
        outsider = Outsider(get=405 if get == 405 else 404, post=405 if post == 405 else 404)
    return Row(
        f"applications:{name}",
        get=outcome(allowed=APPLICANT, ok=get),
        post=outcome(allowed=APPLICANT, ok=post),
        setup=setup,
        kwargs=kwargs,
        data=data or {},
        outsiders={Role.APPLICANT.value: outsider} if kwargs else None,
        redirect_refuses=refuses,
    )


#: Everyone who takes part in an application but the city, who sees every one.
SCOPED_PARTICIPANTS = [Role.APPLICANT, Role.ENTERPRISE_CONTACT, Role.CHAIRMAN, Role.DISTRICT_STAFF]


ROWS = [
    Row(
        "applications:applicant_home",
        get=outcome(allowed=APPLICANT),
        post=outcome(allowed=APPLICANT, ok=405),
    ),
    # Empty POSTs re-render their form with its errors; nothing is saved.
    applicant_row("profile", setup=own_profile, kwargs=None),
    # The section is not an object: another applicant gets the same section of its own profile.
    applicant_row(
        "profile_section",
        setup=own_profile,
        kwargs=lambda ctx: {"section": "educations"},
        outsider=Outsider(get=200, post=200),
    ),
    applicant_row(
        "profile_record_edit",
        setup=own_profile,
        kwargs=lambda ctx: {"section": "educations", "record_pk": ctx["record"].pk},
    ),
    applicant_row(
        "profile_record_remove",
        get=405,
        post=REDIRECT,
        setup=own_profile,
        kwargs=lambda ctx: {"section": "educations", "record_pk": ctx["record"].pk},
    ),
    # The applicant's own photo: "me" is not an object, another applicant has (or not) a photo of its own.
    # An empty POST is sent back to the profile with the message saying what to choose.
    applicant_row("profile_photo", post=REDIRECT, setup=own_profile_with_photo, kwargs=None),
    applicant_row("profile_photo_remove", get=405, post=REDIRECT, setup=own_profile_with_photo, kwargs=None),
    # An open batch is every applicant's: another applicant gets its own start page.
    applicant_row(
        "application_start",
        setup=own_profile,
        kwargs=lambda ctx: {"batch_pk": ctx["batch"].pk},
        outsider=Outsider(get=200, post=200),
    ),
    applicant_row("my_application", post=405),
    applicant_row("application_edit"),
    applicant_row("achievements", post=405),
    # Another applicant's POST meets the object before the method: 404 as well.
    applicant_row("achievement_kind", post=405, outsider=Outsider()),
    applicant_row("achievement_add", kwargs=lambda ctx: {"pk": ctx["application"].pk, "kind": "patent"}),
    applicant_row("achievement_edit", kwargs=achievement_kwargs),
    applicant_row("achievement_remove", get=405, post=REDIRECT, kwargs=achievement_kwargs),
    applicant_row("achievement_evidence_add", kwargs=achievement_kwargs),
    applicant_row("evidence_add"),
    applicant_row("evidence_remove", get=405, post=REDIRECT, kwargs=evidence_kwargs),
    # The applicant's moves: POST only, answered with a redirect and a message (a draft cannot be
    # resubmitted: the message says so).
    applicant_row("application_submit", get=405, post=REDIRECT),
    applicant_row("application_resubmit", get=405, post=REDIRECT, refuses=True),
    # A confirmation page; an empty POST lacks the reason and re-renders the form.
    applicant_row("application_withdraw"),
    Row(
        "applications:timeline",
        get=outcome(allowed=PARTICIPANTS),
        post=outcome(allowed=PARTICIPANTS, ok=405),
        setup=own_at_district,
        kwargs=application_pk,
        outsiders=hidden(*SCOPED_PARTICIPANTS, post=405),
    ),
    Row(
        "applications:evidence_download",
        get=outcome(allowed=PARTICIPANTS),
        post=outcome(allowed=PARTICIPANTS, ok=405),
        setup=own_at_district,
        kwargs=evidence_pk,
        outsiders=hidden(*SCOPED_PARTICIPANTS, post=405),
    ),
]
