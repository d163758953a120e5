"""Matrix rows of the reviews app: staff pages (meetings, the draw, cases, substitutes, the pool's
Excel import and export). City staff and administrators only; everyone else 403, anonymous to login."""

import datetime

from django.utils import timezone

from reviews.models import Committee
from reviews.services.draw import meeting_create
from tests.authorization.matrix import REDIRECT, Row, outcome
from tests.factories import BatchFactory
from tests.reviews.factories import SpecialtyFactory
from zaozhuang_titles.models import Role

STAFF = [Role.CITY_STAFF, Role.ADMINISTRATOR]


def planned_meeting(ctx):
    """A planned meeting of an empty committee (waived with a reason): its draw fails with a message."""
    batch = BatchFactory()
    Committee.objects.create(batch=batch, name="矩阵委员会", kind=Committee.Kind.SPECIALTY, size_override_reason="测试")
    ctx["meeting"] = meeting_create(
        actor=None,
        batch=batch,
        specialty=SpecialtyFactory(),
        name="矩阵评审会",
        held_on=timezone.localdate() + datetime.timedelta(days=7),
        scoring_deadline=timezone.now() + datetime.timedelta(days=5),
        panel_size=3,
    )


def meeting_pk(ctx):
    return {"pk": ctx["meeting"].pk}


ROWS = [
    Row("reviews:staff_meetings", get=outcome(allowed=STAFF), post=outcome(allowed=STAFF, ok=405)),
    # An empty POST re-renders the form with its errors.
    Row("reviews:staff_meeting_create", get=outcome(allowed=STAFF), post=outcome(allowed=STAFF)),
    Row(
        "reviews:staff_meeting",
        get=outcome(allowed=STAFF),
        post=outcome(allowed=STAFF, ok=405),
        kwargs=meeting_pk,
        setup=planned_meeting,
    ),
    Row(
        "reviews:staff_meeting_draw",
        get=outcome(allowed=STAFF, ok=405),
        post=outcome(allowed=STAFF, ok=REDIRECT),
        kwargs=meeting_pk,
        setup=planned_meeting,
        redirect_refuses=True,
    ),
    Row(
        "reviews:staff_meeting_cases",
        get=outcome(allowed=STAFF),
        post=outcome(allowed=STAFF),
        kwargs=meeting_pk,
        setup=planned_meeting,
    ),
    Row(
        "reviews:staff_meeting_substitute",
        get=outcome(allowed=STAFF),
        post=outcome(allowed=STAFF),
        kwargs=meeting_pk,
        setup=planned_meeting,
    ),
    Row("reviews:staff_experts_import", get=outcome(allowed=STAFF), post=outcome(allowed=STAFF)),
    # Without a checked file in the session: back to the upload with a message.
    Row(
        "reviews:staff_experts_import_confirm",
        get=outcome(allowed=STAFF, ok=405),
        post=outcome(allowed=STAFF, ok=REDIRECT),
        redirect_refuses=True,
    ),
    Row("reviews:staff_experts_template", get=outcome(allowed=STAFF), post=outcome(allowed=STAFF, ok=405)),
    Row("reviews:staff_experts_export", get=outcome(allowed=STAFF), post=outcome(allowed=STAFF, ok=405)),
]
