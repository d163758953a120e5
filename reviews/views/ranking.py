"""The staff's ranking of a meeting's cases by the experts' scores, to prepare the meeting.

Only city staff (and administrators) read it; experts never see another expert's scores.
"""

from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from reviews import aggregation
from reviews.selectors.scoring import meeting_for_staff, meeting_ranking


class MeetingRankingView(PermissionRequiredMixin, TemplateView):
    """The cases ranked by trimmed mean with n, mean and standard deviation; the experts with their
    mean and mean |z|, flagged when far from their own scoring on some case."""

    permission_required = "reviews.view_scoring_ranking"
    template_name = "reviews/ranking/meeting.html"

    def get_context_data(self, **kwargs):
        meeting = meeting_for_staff(self.kwargs["pk"])
        cases, experts = meeting_ranking(meeting)
        return super().get_context_data(
            meeting=meeting,
            cases=cases,
            experts=experts,
            trim_from=aggregation.TRIM_FROM,
            far_z=aggregation.FAR_Z,
            **kwargs,
        )
