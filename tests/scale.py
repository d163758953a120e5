"""Many rows fast, for pages that list them all (issue 13: bounded time at 1,000 rows).

The rows are bulk copies of one application made through the factories: they go round the services on
purpose (a thousand transitions would take minutes), and hold only what the listing pages read."""

import itertools

from django.utils import timezone

from applications.models import Application, Status
from zaozhuang_titles.models import User

_serial = itertools.count(1)


def clone_applications(template, n, *, status=None):
    """``n`` new applications like ``template`` (its batch and enterprise), each with its own applicant."""
    start = next(_serial) * 100_000
    users = User.objects.bulk_create(
        [
            User(username=f"scale{start + i}", real_name=f"申报人{start + i}", id_number=None, mobile=None)
            for i in range(n)
        ]
    )
    now = timezone.now()
    return Application.objects.bulk_create(
        [
            Application(
                batch_id=template.batch_id,
                applicant=user,
                enterprise_id=template.enterprise_id,
                number=f"S{start + i}",
                specialty=template.specialty,
                summary=template.summary,
                status=status or template.status,
                submitted_at=now,
                status_changed_at=now,
            )
            for i, user in enumerate(users)
        ]
    )


def add_cases(review, n, *, scored=True):
    """``n`` more cases on ``review``'s meeting, assigned to its whole panel, each expert's scores
    submitted (every criterion) when ``scored``."""
    from reviews.models import Assignment, Case, Criterion, Score

    applications = clone_applications(review.applications[0], n, status=Status.IN_REVIEW)
    first = Case.objects.filter(meeting=review.meeting).count()
    cases = Case.objects.bulk_create(
        [
            Case(meeting=review.meeting, application=application, position=first + i)
            for i, application in enumerate(applications)
        ]
    )
    now = timezone.now() if scored else None
    assignments = Assignment.objects.bulk_create(
        [Assignment(case=case, expert=expert, submitted_at=now) for case in cases for expert in review.experts]
    )
    if scored:
        criteria = list(Criterion.objects.filter(batch=review.batch))
        Score.objects.bulk_create(
            [
                Score(assignment=assignment, criterion=criterion, points=(assignment.pk * 7 + criterion.pk) % 10 + 5)
                for assignment in assignments
                for criterion in criteria
            ]
        )
    return cases
