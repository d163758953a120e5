"""The states of an application (申报状态) and their groups, members of the enum so that no module spells a
list again. Apart from the models so that ``applications.rules`` reads the groups while the models read
their permissions from the rules (``Application.Meta.rules_permissions``); ``applications.models``
re-exports ``Status`` and ``status_badge``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """The states of an application (MISSION.md "Life of an application"); moves in ``workflow.MOVES``."""

    DRAFT = "draft", _("Draft (草稿)")
    ENTERPRISE_REVIEW = "enterprise_review", _("Enterprise review (单位审核)")
    NOMINATED = "nominated", _("Nominated by the chairman (董事长举荐)")
    DISTRICT_AUDIT = "district_audit", _("District audit (区县初审)")
    CITY_AUDIT = "city_audit", _("City audit (市级复审)")
    RETURNED = "returned", _("Returned for correction (退回补正)")
    ACCEPTED = "accepted", _("Accepted (受理)")
    IN_REVIEW = "in_review", _("In review (评审中)")
    PASSED = "passed", _("Passed (通过)")
    NOT_PASSED = "not_passed", _("Not passed (未通过)")
    PUBLICITY = "publicity", _("In publicity (公示中)")
    FILED = "filed", _("Filed (已备案)")
    CERTIFIED = "certified", _("Certified (发证)")
    REJECTED = "rejected", _("Rejected (不予受理)")
    WITHDRAWN = "withdrawn", _("Withdrawn (已撤回)")

    @classmethod
    def in_order(cls, group):
        """The statuses of ``group`` in the order of the application's life (for tabs and filters)."""
        return [status for status in cls if status in group]


# The groups of statuses, members of the enum so that no module spells a list again. Set after the class:
# inside its body the members are still plain tuples, and a frozenset is not a choice.
#: The applicant may change the application's content.
Status.EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
#: The applicant may still withdraw (before review starts).
Status.WITHDRAWABLE = frozenset(
    {
        Status.DRAFT,
        Status.ENTERPRISE_REVIEW,
        Status.NOMINATED,
        Status.DISTRICT_AUDIT,
        Status.CITY_AUDIT,
        Status.RETURNED,
        Status.ACCEPTED,
    }
)
#: Submitted and before the district: the enterprise runs its internal notice, forwards or returns.
Status.UNDER_ENTERPRISE = frozenset({Status.ENTERPRISE_REVIEW, Status.NOMINATED})
#: Waiting for an HR audit (district or city).
Status.AWAITING_STAFF = frozenset({Status.DISTRICT_AUDIT, Status.CITY_AUDIT})
#: The steps with a time limit (``Batch.step_time_limit_days``): an application waiting longer at one of
#: them is overdue in the staff's lists.
Status.TIME_LIMITED = Status.AWAITING_STAFF
#: Everything once submitted: what the enterprise and the city see.
Status.SUBMITTED = frozenset(Status) - {Status.DRAFT}
#: What district staff see: from their audit on (never a withdrawal made before it).
Status.DISTRICT_VISIBLE = frozenset(Status) - {
    Status.DRAFT,
    Status.ENTERPRISE_REVIEW,
    Status.NOMINATED,
    Status.WITHDRAWN,
}
#: Applications whose patents count as claimed (a duplicate claim is flagged to staff).
Status.CLAIMING = frozenset(Status) - {Status.DRAFT, Status.WITHDRAWN}
#: The chairman ranks these: submitted and still before the city's decision.
Status.NOMINATION_CANDIDATES = Status.UNDER_ENTERPRISE | Status.AWAITING_STAFF
#: Signed and not yet decided by the city (a signature still matters).
Status.SIGNED_PENDING = frozenset({Status.NOMINATED}) | Status.AWAITING_STAFF
#: The application is under audit or beyond: its applicant's profile must not change.
Status.PROFILE_LOCKING = frozenset(Status) - Status.EDITABLE - {Status.REJECTED, Status.WITHDRAWN, Status.NOT_PASSED}
#: Ended well so far (the badge's colour) and ended badly.
Status.SUCCESSFUL = frozenset({Status.ACCEPTED, Status.PASSED, Status.FILED, Status.CERTIFIED})
Status.FAILED = frozenset({Status.REJECTED, Status.NOT_PASSED})
#: The chairman's signature is still ahead (being written, corrected, or at the enterprise's review): an
#: unsigned nomination is pending (等待董事长署名), not failed.
Status.NOMINATION_AHEAD = frozenset({Status.DRAFT, Status.RETURNED, Status.ENTERPRISE_REVIEW})


def status_badge(status):
    """The Bootstrap badge class of a status, from its groups (the templates' one colour rule)."""
    if status == Status.DRAFT:
        return "text-bg-secondary"
    if status == Status.RETURNED:
        return "text-bg-warning"
    if status in Status.FAILED:
        return "text-bg-danger"
    if status == Status.WITHDRAWN:
        return "text-bg-light border"
    if status in Status.SUCCESSFUL:
        return "text-bg-success"
    return "text-bg-primary"
