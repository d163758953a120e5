"""Demo data of results: two publicity notices (评审结果公示) of the first batch, whatever the weekday
``make run`` happens on:

- one that ended (published as if ten working days ago and closed after its last day), whose
  applications are cleared for filing (备案) and then certificates (their applicants have a generated
  photo, which the certificates print);
- one running on the day of the demo (published as if two working days ago), so that anyone can read
  it and lodge an objection today. Published on a Saturday a notice would start on Monday and refuse
  objections until then.

Both go through the real services with their ``now`` set in the past, for accepted applications on no
meeting's agenda whose review city staff recorded as passed (the demo meeting keeps its own cases for
the scoring and the vote).

Idempotent: nothing is added when the first batch has a notice. Deterministic.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from applications.demo import FIRST_BATCH_NAME, give_demo_photo
from applications.models import Application, Batch, Status
from applications.workflow import application_transition
from results.models import Publicity
from results.services.publicity import publicity_close, publicity_publish
from reviews.models import Case
from zaozhuang_titles.models import Notice, User
from zaozhuang_titles.workdays import is_working_day

#: (working days before the demo day that the notice began, how many applications it lists, closed).
NOTICES = [(10, 2, True), (2, 3, False)]


def first_day_before(today, working_days):
    """The working day ``working_days`` working days before ``today`` (``today`` itself not counted)."""
    day, counted = today, 0
    while counted < working_days:
        day -= datetime.timedelta(days=1)
        counted += is_working_day(day)
    return day


@transaction.atomic
def seed(*, stdout=None):
    batch = Batch.objects.filter(name=FIRST_BATCH_NAME).first()
    city = User.objects.filter(username="city").first()
    if batch is None or city is None:
        if stdout is not None:
            stdout.write("Results: the first batch or the city account is missing; nothing added.")
        return
    if Publicity.objects.filter(batch=batch).exists():
        if stdout is not None:
            stdout.write("Results: the demo publicity is already there.")
        return
    free = list(
        Application.objects.filter(batch=batch, status=Status.ACCEPTED)
        .exclude(pk__in=Case.objects.values("application"))
        .order_by("number")
    )
    last_notice = Notice.objects.order_by("-id").values_list("id", flat=True).first() or 0
    published = []
    for working_days_ago, count, closed in NOTICES:
        applications, free = free[:count], free[count:]
        if closed:
            # The holders of the certificates city staff will issue in the demo: their photo prints on it.
            for index, application in enumerate(applications, start=1):
                give_demo_photo(application.applicant, index)
        if applications:
            published.append(_publish(batch=batch, city=city, applications=applications, days=working_days_ago))
            if closed:
                after = published[-1].ends_on + datetime.timedelta(days=1)
                publicity_close(
                    publicity=published[-1],
                    now=timezone.make_aware(datetime.datetime.combine(after, datetime.time(0, 30))),
                )
    # The demo's in-site notices stay; their emails are not sent (the addresses are made up).
    Notice.objects.filter(id__gt=last_notice, email=Notice.Email.PENDING).update(email=Notice.Email.NONE)
    if stdout is not None:
        for publicity in published:
            stdout.write(
                f"Results: “{publicity.title}” lists {publicity.entries.count()} applications, "
                f"{publicity.starts_on:%Y-%m-%d} to {publicity.ends_on:%Y-%m-%d}."
            )


def _publish(*, batch, city, applications, days):
    """Record the review of ``applications`` as passed and publish them, as if ``days`` working days ago."""
    first_day = first_day_before(timezone.localdate(), days)
    moment = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time(9, 0)))
    for application in applications:
        for action, reason in (("start_review", "提交评审委员会评审。"), ("review_pass", "评审委员会表决通过。")):
            application.refresh_from_db()
            application_transition(application=application, action=action, actor=city, reason=reason, now=moment)
    return publicity_publish(batch=batch, actor=city, title="", starts_on=first_day, how_to_object="", now=moment)
