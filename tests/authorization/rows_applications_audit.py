"""Matrix rows of the applications app: audit pages (queues, the application's page, its actions, its
return for correction and its changes between submissions).

The matrix's applicant owns the application of each setup, at district audit; the matrix's contact and
chairman belong to its enterprise, and the matrix's district staff serve its division."""

from applications.demo import give_demo_photo
from applications.models import BulkRun
from applications.snapshots import snapshot_evidence_ids
from tests.applications.factories import ProfileFactory, World, give_regular_qualification
from tests.authorization.matrix import REDIRECT, Row, hidden, outcome
from tests.enterprises.factories import ContactFactory
from zaozhuang_titles.models import Role

STAFF = [Role.DISTRICT_STAFF, Role.CITY_STAFF, Role.ADMINISTRATOR]
ENTERPRISE = [Role.APPLICANT.value, Role.ENTERPRISE_CONTACT.value, Role.CHAIRMAN.value]
PARTICIPANTS = [Role.APPLICANT, Role.ENTERPRISE_CONTACT, Role.CHAIRMAN, *STAFF]
#: The participants who see only their own applications (the city sees every one).
SCOPED_PARTICIPANTS = [Role.APPLICANT, Role.ENTERPRISE_CONTACT, Role.CHAIRMAN, Role.DISTRICT_STAFF]


def at_district(ctx):
    """An application of the matrix's applicant, signed and forwarded: waiting for the district."""
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
    ctx["application"] = world.at_district(applicant)


def at_district_with_photo(ctx):
    """The application at district audit, its applicant with a photo on its profile."""
    at_district(ctx)
    give_demo_photo(ctx["users"][Role.APPLICANT.value], 0)


def bulk_run_of_district(ctx):
    """A bulk action the matrix's district staff ran over the application at district audit."""
    at_district(ctx)
    ctx["run"] = BulkRun.objects.create(
        action="remind", actor=ctx["users"][Role.DISTRICT_STAFF.value], application_ids=[ctx["application"].pk]
    )


def application_pk(ctx):
    return {"pk": ctx["application"].pk}


def submitted_file(ctx):
    """The first file the application's first submission named."""
    application = ctx["application"]
    [evidence_pk, *_rest] = snapshot_evidence_ids(application.submissions.get(revision=1).data)
    return {"pk": application.pk, "revision": 1, "evidence_pk": evidence_pk}


ROWS = [
    Row(
        "applications:district_queue",
        get=outcome(allowed=[Role.DISTRICT_STAFF]),
        post=outcome(allowed=[Role.DISTRICT_STAFF], ok=405),
    ),
    Row(
        "applications:city_queue",
        get=outcome(allowed=[Role.CITY_STAFF, Role.ADMINISTRATOR]),
        post=outcome(allowed=[Role.CITY_STAFF, Role.ADMINISTRATOR], ok=405),
    ),
    # 导出 Excel of a queue: a POST (a redirect to the file, or back to the queue when it lists nothing).
    Row(
        "applications:district_queue_export",
        get=outcome(allowed=[Role.DISTRICT_STAFF], ok=405),
        post=outcome(allowed=[Role.DISTRICT_STAFF], ok=REDIRECT),
        setup=at_district,
    ),
    Row(
        "applications:city_queue_export",
        get=outcome(allowed=[Role.CITY_STAFF, Role.ADMINISTRATOR], ok=405),
        post=outcome(allowed=[Role.CITY_STAFF, Role.ADMINISTRATOR], ok=REDIRECT),
    ),
    # Everyone in the application's life reads it; only staff may ask for the whole ID number.
    Row(
        "applications:detail",
        get=outcome(allowed=PARTICIPANTS),
        post={**outcome(allowed=STAFF), **dict.fromkeys(ENTERPRISE, 403)},
        kwargs=application_pk,
        setup=at_district,
        data={"reveal": "1"},
        # The enterprise's roles may never reveal an ID number (403 for the insiders); an outsider meets the
        # object's scope first and gets 404, as on GET.
        outsiders=hidden(Role.DISTRICT_STAFF, Role.APPLICANT, Role.ENTERPRISE_CONTACT, Role.CHAIRMAN),
    ),
    Row(
        "applications:diff",
        get=outcome(allowed=STAFF),
        post=outcome(allowed=STAFF, ok=405),
        kwargs=application_pk,
        setup=at_district,
        outsiders=hidden(Role.DISTRICT_STAFF, post=405),
    ),
    # The applicant's photo (personal data): the staff auditing the application only, GET only.
    Row(
        "applications:applicant_photo",
        get=outcome(allowed=STAFF),
        post=outcome(allowed=STAFF, ok=405),
        kwargs=application_pk,
        setup=at_district_with_photo,
        outsiders=hidden(Role.DISTRICT_STAFF, post=405),
    ),
    # A file as a submission named it, even after the applicant removed it: staff only, GET only.
    Row(
        "applications:submission_file",
        get=outcome(allowed=STAFF),
        post=outcome(allowed=STAFF, ok=405),
        kwargs=submitted_file,
        setup=at_district,
        outsiders=hidden(Role.DISTRICT_STAFF, post=405),
    ),
    # Only the district may return it now; the others are sent back to the page with a message. An
    # empty POST re-renders the district's form with its errors.
    Row(
        "applications:return",
        get={**outcome(allowed=PARTICIPANTS, ok=REDIRECT), Role.DISTRICT_STAFF.value: 200},
        post={**outcome(allowed=PARTICIPANTS, ok=REDIRECT), Role.DISTRICT_STAFF.value: 200},
        kwargs=application_pk,
        setup=at_district,
        outsiders=hidden(*SCOPED_PARTICIPANTS),
        redirect_refuses=True,
    ),
    # POST only. Roles are tried in order: the administrator and the city may not pass at district
    # audit (403), the district passes it (redirect), the enterprise's roles may not pass (403).
    Row(
        "applications:act",
        get=outcome(allowed=PARTICIPANTS, ok=405),
        post={**outcome(allowed=[Role.DISTRICT_STAFF], ok=REDIRECT)},
        kwargs=lambda ctx: {"pk": ctx["application"].pk, "action": "pass"},
        setup=at_district,
        # The enterprise's roles may not pass it either way; their outsiders meet the 404 first.
        outsiders=hidden(*SCOPED_PARTICIPANTS, get=405),
    ),
    # The progress of a bulk action of Django admin (polled by its page): the staff member who ran it and
    # city staff; other district staff get 404. GET only.
    Row(
        "applications:bulk_status",
        get=outcome(allowed=STAFF),
        post=outcome(allowed=STAFF, ok=405),
        kwargs=lambda ctx: {"pk": ctx["run"].pk},
        setup=bulk_run_of_district,
        outsiders=hidden(Role.DISTRICT_STAFF, post=405),
    ),
]
