"""Matrix rows of filing and certificates: city staff's filing pages, the holder's certificate and
its PDF, and the public verification page (码上看), the same for everyone.

The setup files a batch with two cleared applications, one of them the matrix applicant's, builds the
filing's files and issues both certificates."""

from results.services.certificates import certificate_issue, certificate_run_execute, certificates_queue_for_batch
from results.services.filing import filing_build_files, filing_create
from tests.applications.factories import ProfileFactory, World, give_regular_qualification
from tests.authorization.matrix import PRIVATE, REDIRECT, Row, hidden, outcome, refused_by_role, same_for_all
from tests.results.filing_factories import FilingWorld, number_filing
from zaozhuang_titles.models import Role

CITY = [Role.CITY_STAFF, Role.ADMINISTRATOR]
HOLDER = [Role.APPLICANT, *CITY]
#: A certificate is its holder's: another applicant gets 404 on GET (a POST is refused by its method
#: first, 405, before any object is looked up), the other scoped roles never open one (403).
CERTIFICATE_OUTSIDERS = {
    **hidden(Role.APPLICANT, post=405),
    **refused_by_role(Role.ENTERPRISE_CONTACT, Role.CHAIRMAN, Role.DISTRICT_STAFF, Role.EXPERT, Role.COMMISSIONER),
}


def issue_run(ctx):
    """The setup's batch with a finished issue run (the certificate of the other application issued by it)."""
    filed(ctx)
    ctx["run"] = certificates_queue_for_batch(batch=ctx["batch"], actor=ctx["users"][Role.CITY_STAFF.value])
    certificate_run_execute(run_id=ctx["run"].pk)


def filed(ctx):
    users = ctx["users"]
    world = World(division=users[Role.DISTRICT_STAFF.value].district)
    world.city = users[Role.CITY_STAFF.value]
    filing_world = FilingWorld(count=0, world=world)
    applicant = users[Role.APPLICANT.value]
    give_regular_qualification(ProfileFactory(user=applicant, enterprise=world.enterprise))
    own = filing_world.add(applicant=applicant)
    filing_world.add()
    filing = filing_create(batch=filing_world.batch, actor=world.city)
    filing_build_files(filing_id=filing.pk)
    number_filing(filing, world.city)
    own.refresh_from_db()
    ctx["batch"] = filing_world.batch
    ctx["filing"] = filing
    ctx["certificate"] = certificate_issue(application=own, actor=world.city)


def batch_pk(ctx):
    return {"batch_pk": ctx["batch"].pk}


def filing_pk(ctx):
    return {"pk": ctx["filing"].pk}


def certificate_pk(ctx):
    return {"pk": ctx["certificate"].pk}


ROWS = [
    Row("results:filing_batches", get=outcome(allowed=CITY), post=outcome(allowed=CITY, ok=405)),
    # POST files the batch (the first staff role) or says that nothing is left to file: both go back.
    Row(
        "results:filing_batch",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY, ok=REDIRECT),
        kwargs=batch_pk,
        setup=filed,
        outsiders=refused_by_role(),
    ),
    Row(
        "results:filing_certificates",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY, ok=REDIRECT),
        kwargs=batch_pk,
        setup=filed,
        outsiders=refused_by_role(),
    ),
    # The progress of an issue run (polled by its page): city staff only, GET only. Every other role is
    # refused by its role before the run is looked up; another batch's run is 404 (tested in results).
    Row(
        "results:certificate_run",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY, ok=405),
        kwargs=lambda ctx: {"batch_pk": ctx["batch"].pk, "pk": ctx["run"].pk},
        setup=issue_run,
        outsiders=refused_by_role(),
    ),
    # An empty POST re-renders the number form with its errors.
    Row(
        "results:filing_detail",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY),
        kwargs=filing_pk,
        setup=filed,
        outsiders=refused_by_role(),
    ),
    Row(
        "results:filing_rebuild",
        get=outcome(allowed=CITY, ok=405),
        post=outcome(allowed=CITY, ok=REDIRECT),
        kwargs=filing_pk,
        setup=filed,
        outsiders=refused_by_role(),
    ),
    # The 备案表 holds whole ID numbers: city staff only.
    Row(
        "results:filing_excel",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY, ok=405),
        kwargs=filing_pk,
        setup=filed,
        outsiders=refused_by_role(),
    ),
    Row(
        "results:filing_pdf",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY, ok=405),
        kwargs=filing_pk,
        setup=filed,
        outsiders=refused_by_role(),
    ),
    # The matrix applicant holds the certificate.
    Row(
        "results:certificate",
        get=outcome(allowed=HOLDER),
        post=outcome(allowed=HOLDER, ok=405),
        kwargs=certificate_pk,
        setup=filed,
        outsiders=CERTIFICATE_OUTSIDERS,
    ),
    Row(
        "results:certificate_pdf",
        get=outcome(allowed=HOLDER),
        post=outcome(allowed=HOLDER, ok=405),
        kwargs=certificate_pk,
        setup=filed,
        outsiders=CERTIFICATE_OUTSIDERS,
    ),
    # An empty POST re-renders the form with its error; nothing is revoked.
    Row(
        "results:certificate_revoke",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY),
        kwargs=certificate_pk,
        setup=filed,
        outsiders=refused_by_role(),
    ),
    # 码上看: public, the same for every role.
    Row(
        "results:certificate_verify",
        anonymous_cache=PRIVATE,
        get=same_for_all(200),
        post=same_for_all(405),
        kwargs=lambda ctx: {"token": ctx["certificate"].token},
        setup=filed,
    ),
    # 码上看 by file: public; a POST without a file shows the form again with the error.
    Row(
        "results:certificate_check",
        anonymous_cache=PRIVATE,
        get=same_for_all(200),
        post=same_for_all(200),
    ),
]
