"""What every document of the results names: the title granted, the review committee and the date
of qualification (取得资格时间).

The publicity notice, its PDF, the Excel 备案表, the filing summary and the certificate all call these
functions, so that they cannot name a batch's title or committee differently. Both are data, not
UI text: published documents are in Chinese. ``qualification_date`` follows the batch's
``qualification_date_rule``; the certificate and the certificates page both read it.
"""

from django.utils import timezone

from applications.models import Level, QualificationDateRule, Series, Transition
from reviews.models import Case, Committee

#: The title each level of each series grants (工程技术 副高级 → 高级工程师).
TITLE_NAMES = {
    (Series.ENGINEERING, Level.INTERMEDIATE): "工程师",
    (Series.ENGINEERING, Level.DEPUTY_SENIOR): "高级工程师",
    (Series.ENGINEERING, Level.SENIOR): "正高级工程师",
}
#: How the usual name of the city's committee calls each series and level.
COMMITTEE_SERIES = {Series.ENGINEERING: "工程技术"}
COMMITTEE_LEVELS = {Level.INTERMEDIATE: "中级", Level.DEPUTY_SENIOR: "高级", Level.SENIOR: "正高级"}


def granted_title(batch):
    """The title a passed application of ``batch`` is granted: 高级工程师 for a deputy-senior engineering
    batch; the series and level as the portal names them for a pair without a usual title."""
    return TITLE_NAMES.get((batch.series, batch.level), f"{batch.get_series_display()} {batch.get_level_display()}")


def usual_committee_name(batch):
    """The usual name of the city's committee for the batch's series and level
    (枣庄市工程技术高级职称评审委员会)."""
    series = COMMITTEE_SERIES.get(batch.series, batch.series)
    return f"枣庄市{series}{COMMITTEE_LEVELS.get(batch.level, '')}职称评审委员会"


def committee_name(batch):
    """评审委员会 of ``batch``: the committee the review set up for it (``reviews.Committee``); else the
    name its latest publicity notice published; else the usual name (at most two queries)."""
    name = Committee.objects.filter(batch=batch).values_list("name", flat=True).first()
    if name:
        return name
    published = (
        batch.publicities.exclude(committee_name="")
        .order_by("-starts_on", "-id")
        .values_list("committee_name", flat=True)
        .first()
    )
    return published or usual_committee_name(batch)


def vote_closed_on(application):
    """The day the committee's vote that passed ``application`` closed (the latest, after a review
    again), or None. The meeting's ``voting_closed_at`` is written by ``vote_close`` together with
    the application's ``review_pass`` move; an application passed without a portal meeting falls back
    to that move's time."""
    closed_at = (
        Case.objects.filter(application=application, result=Case.Result.PASSED, meeting__voting_closed_at__isnull=False)
        .order_by("-meeting__voting_closed_at")
        .values_list("meeting__voting_closed_at", flat=True)
        .first()
    )
    if closed_at is None:
        closed_at = (
            Transition.objects.filter(application=application, action="review_pass")
            .order_by("-at", "-id")
            .values_list("at", flat=True)
            .first()
        )
    return timezone.localdate(closed_at) if closed_at else None


def filing_approved_on(application):
    """The filing date the province gave the filing of ``application`` (备案之日), or None."""
    filing = getattr(getattr(application, "filing_entry", None), "filing", None)
    return filing.filed_on if filing is not None else None


def qualification_date(application):
    """取得资格时间 of ``application`` under its batch's ``qualification_date_rule``: the day the vote
    closed (the default) or the day the province approved the filing; None while that day is unknown.
    Never today nor the meeting's scheduled date."""
    if application.batch.qualification_date_rule == QualificationDateRule.FILING_APPROVED:
        return filing_approved_on(application)
    return vote_closed_on(application)
