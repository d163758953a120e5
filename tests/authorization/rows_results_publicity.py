"""Matrix rows of the results app: publicity of results and objections.

The public pages (the list, a notice with its objection form, its PDF, the acknowledgement of an
objection) answer everyone alike, anonymous included; the staff pages are for city staff and
administrators. Each setup publishes a running notice of one passed application; ``objection`` adds an
objection to it with an evidence file."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.applications.factories import World, tiny_pdf
from tests.authorization.matrix import PRIVATE, PUBLIC, REDIRECT, Row, outcome, refused_by_role, same_for_all
from tests.results.test_publicity import objection, passed, publish
from zaozhuang_titles.models import Role

CITY = [Role.CITY_STAFF, Role.ADMINISTRATOR]


def notice(ctx):
    world = World()
    ctx["world"] = world
    ctx["publicity"], _applications = publish(world)


def with_objection(ctx):
    notice(ctx)
    entry = ctx["publicity"].entries.get()
    ctx["objection"] = objection(entry, evidence=SimpleUploadedFile("证据.pdf", tiny_pdf("objection")))


def with_passed(ctx):
    world = World()
    passed(world)
    ctx["batch"] = world.batch


def publicity_pk(ctx):
    return {"pk": ctx["publicity"].pk}


def objection_pk(ctx):
    return {"pk": ctx["objection"].pk}


ROWS = [
    Row("results:publicity_list", anonymous_cache=PUBLIC, get=same_for_all(200), post=same_for_all(405)),
    # An empty POST re-renders the notice with the form's errors, for anyone.
    Row(
        "results:publicity_notice",
        anonymous_cache=PRIVATE,
        get=same_for_all(200),
        post=same_for_all(200),
        kwargs=publicity_pk,
        setup=notice,
    ),
    Row(
        "results:publicity_pdf",
        anonymous_cache=PRIVATE,
        get=same_for_all(200),
        post=same_for_all(405),
        kwargs=publicity_pk,
        setup=notice,
    ),
    Row(
        "results:publicity_objection_received",
        anonymous_cache=PUBLIC,
        get=same_for_all(200),
        post=same_for_all(405),
        kwargs=lambda ctx: {"reference": ctx["objection"].reference},
        setup=with_objection,
    ),
    Row(
        "results:publicity_staff",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY, ok=405),
    ),
    # An empty POST re-renders the form with its errors.
    Row(
        "results:publicity_publish",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY),
        kwargs=lambda ctx: {"batch_pk": ctx["batch"].pk},
        setup=with_passed,
        outsiders=refused_by_role(),
    ),
    Row(
        "results:publicity_staff_detail",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY, ok=405),
        kwargs=publicity_pk,
        setup=notice,
        outsiders=refused_by_role(),
    ),
    # Without the confirmation box the form comes back with its error; nothing is closed.
    Row(
        "results:publicity_close",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY),
        kwargs=publicity_pk,
        setup=notice,
        outsiders=refused_by_role(),
    ),
    Row(
        "results:publicity_objections",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY, ok=405),
    ),
    Row(
        "results:publicity_objection",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY),
        kwargs=objection_pk,
        setup=with_objection,
        outsiders=refused_by_role(),
    ),
    Row(
        "results:publicity_objection_investigate",
        get=outcome(allowed=CITY, ok=405),
        post=outcome(allowed=CITY, ok=REDIRECT),
        kwargs=objection_pk,
        setup=with_objection,
        outsiders=refused_by_role(),
    ),
    Row(
        "results:publicity_objection_evidence",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY, ok=405),
        kwargs=objection_pk,
        setup=with_objection,
        outsiders=refused_by_role(),
    ),
]
