"""The life of a problem (难题) as data: the moves between its statuses, read by ``services.problem_move``,
the problem's page (which buttons it shows) and the tests alike.

    待处理 (open) --start--> 处理中 (in progress) --solve--> 已解决 (solved)
    待处理 (open) --------------------solve-------------------> 已解决

Who may make a move is the object permission ``consultations.work_problem`` (its owner and city staff);
solving needs a resolution (checked by the service and the database). A solved problem stays solved: a
new difficulty is a new problem, so that the figures of the month it was solved do not change.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from consultations.models import ConsultationEvent, ProblemStatus


@dataclass(frozen=True)
class Move:
    action: str
    sources: frozenset
    target: str
    label: str
    event: str


MOVES = {
    "start": Move(
        "start",
        frozenset({ProblemStatus.OPEN}),
        ProblemStatus.IN_PROGRESS,
        _("Start working on it"),
        ConsultationEvent.Action.STARTED,
    ),
    "solve": Move(
        "solve",
        frozenset(ProblemStatus.UNSOLVED),
        ProblemStatus.SOLVED,
        _("Mark solved"),
        ConsultationEvent.Action.SOLVED,
    ),
}


def available_moves(problem):
    """The moves the problem's status allows (who may make them is a permission)."""
    return [move for move in MOVES.values() if problem.status in move.sources]
