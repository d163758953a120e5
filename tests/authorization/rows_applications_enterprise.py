"""Matrix rows of the applications app: enterprise pages (the contact's and the chairman's)."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from applications.models import InternalNotice, InternalObjection, Nomination, NominationEntry, Status
from tests.applications.factories import ApplicationFactory, tiny_pdf
from tests.authorization.matrix import REDIRECT, Outsider, Row, hidden, outcome
from tests.enterprises.factories import ContactFactory, EnterpriseFactory
from tests.factories import BatchFactory
from zaozhuang_titles.models import Role

CONTACT = [Role.ENTERPRISE_CONTACT]
CHAIRMAN = [Role.CHAIRMAN]
#: Who may download a nomination letter: the enterprise's chairman and contact, and HR staff in scope.
LETTER_READERS = [
    Role.CHAIRMAN,
    Role.ENTERPRISE_CONTACT,
    Role.DISTRICT_STAFF,
    Role.CITY_STAFF,
    Role.ADMINISTRATOR,
]


def enterprise_world(ctx):
    """An enterprise of the district staff's division whose contact and chairman are the matrix users,
    with an application under enterprise review in a running notice (with an objection), and one at
    district audit with a signed nomination and its letter."""
    users = ctx["users"]
    enterprise = EnterpriseFactory(division=users[Role.DISTRICT_STAFF.value].district, chairman=users["chairman"])
    ContactFactory(enterprise=enterprise, user=users[Role.ENTERPRISE_CONTACT.value])
    batch = BatchFactory()
    today = timezone.localdate()
    notice = InternalNotice.objects.create(
        enterprise=enterprise,
        batch=batch,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=7),
        working_days=5,
        location="公司公告栏",
        started_by=users[Role.ENTERPRISE_CONTACT.value],
    )
    waiting = ApplicationFactory(
        batch=batch, enterprise=enterprise, status=Status.ENTERPRISE_REVIEW, internal_notice=notice
    )
    forwarded = ApplicationFactory(batch=batch, enterprise=enterprise, status=Status.DISTRICT_AUDIT)
    objection = InternalObjection.objects.create(
        notice=notice,
        application=waiting,
        raised_on=today,
        raised_by="职工甲",
        content="业绩不实",
        recorded_by=users[Role.ENTERPRISE_CONTACT.value],
    )
    letter = default_storage.save("nominations/test/matrix.pdf", ContentFile(tiny_pdf("letter")))
    nomination = Nomination.objects.create(
        enterprise=enterprise, batch=batch, signed_by=users["chairman"], letter=letter, letter_sha256="0" * 64
    )
    NominationEntry.objects.create(
        nomination=nomination, application=forwarded, rank=1, recommendation="骨干", content_sha256="0" * 64
    )
    ctx.update(batch=batch, notice=notice, waiting=waiting, objection=objection, nomination=nomination)


ROWS = [
    Row(
        "applications:enterprise_applications",
        get=outcome(allowed=CONTACT),
        post=outcome(allowed=CONTACT, ok=405),
        setup=enterprise_world,
    ),
    # An empty POST re-renders the form with its errors.
    Row(
        "applications:internal_notice_start",
        get=outcome(allowed=CONTACT),
        post=outcome(allowed=CONTACT),
        setup=enterprise_world,
        kwargs=lambda ctx: {"batch_pk": ctx["batch"].pk},
        # The batch is every enterprise's: another contact gets its own enterprise's form.
        outsiders={Role.ENTERPRISE_CONTACT.value: Outsider(get=200, post=200)},
    ),
    Row(
        "applications:internal_notice_preview",
        get=outcome(allowed=CONTACT),
        post=outcome(allowed=CONTACT, ok=405),
        setup=enterprise_world,
        kwargs=lambda ctx: {"batch_pk": ctx["batch"].pk},
        outsiders={Role.ENTERPRISE_CONTACT.value: Outsider(get=200, post=405)},
    ),
    Row(
        "applications:internal_notice",
        get=outcome(allowed=CONTACT),
        post=outcome(allowed=CONTACT, ok=405),
        setup=enterprise_world,
        kwargs=lambda ctx: {"pk": ctx["notice"].pk},
        outsiders=hidden(Role.ENTERPRISE_CONTACT, post=405),
    ),
    Row(
        "applications:internal_objection_record",
        get=outcome(allowed=CONTACT),
        post=outcome(allowed=CONTACT),
        setup=enterprise_world,
        kwargs=lambda ctx: {"pk": ctx["notice"].pk},
        outsiders=hidden(Role.ENTERPRISE_CONTACT),
    ),
    Row(
        "applications:internal_objection_resolve",
        get=outcome(allowed=CONTACT),
        post=outcome(allowed=CONTACT),
        setup=enterprise_world,
        kwargs=lambda ctx: {"pk": ctx["objection"].pk},
        outsiders=hidden(Role.ENTERPRISE_CONTACT),
    ),
    # The notice is still running: the service refuses, the page sends back with its message.
    Row(
        "applications:application_forward",
        get=outcome(allowed=CONTACT, ok=405),
        post=outcome(allowed=CONTACT, ok=REDIRECT),
        setup=enterprise_world,
        kwargs=lambda ctx: {"pk": ctx["waiting"].pk},
        outsiders=hidden(Role.ENTERPRISE_CONTACT, get=405),
        redirect_refuses=True,
    ),
    Row(
        "applications:chairman_home",
        get=outcome(allowed=CHAIRMAN),
        post=outcome(allowed=CHAIRMAN, ok=405),
        setup=enterprise_world,
    ),
    # An empty POST re-renders the ranking with its errors; nothing is signed.
    Row(
        "applications:nomination_sign",
        get=outcome(allowed=CHAIRMAN),
        post=outcome(allowed=CHAIRMAN),
        setup=enterprise_world,
        kwargs=lambda ctx: {"batch_pk": ctx["batch"].pk},
        # Another chairman has no nominee of its own in the batch: 404, as for a batch it has nothing in.
        outsiders=hidden(Role.CHAIRMAN),
    ),
    Row(
        "applications:nomination_letter",
        get=outcome(allowed=LETTER_READERS),
        post=outcome(allowed=LETTER_READERS, ok=405),
        setup=enterprise_world,
        kwargs=lambda ctx: {"pk": ctx["nomination"].pk},
        outsiders=hidden(Role.CHAIRMAN, Role.ENTERPRISE_CONTACT, Role.DISTRICT_STAFF, post=405),
    ),
]
