"""The staff's ranking of a meeting's cases by the experts' scores, to prepare the meeting.

Only city staff (and administrators) read it; experts never see another expert's scores.
"""

from django.views.generic import TemplateView

from reviews import aggregation
from reviews.selectors.scoring import meeting_for_staff, meeting_ranking
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_city_admin


class MeetingRankingView(ObjectPermissionMixin, TemplateView):
    """The cases ranked by trimmed mean with n, mean and standard deviation; the experts with their
    mean and mean |z|, flagged when far from their own scoring on some case."""

    role_required = is_city_admin
    permission_required = "reviews.view_scoring_ranking"
    template_name = "reviews/ranking/meeting.html"

    def load_object(self):
        return meeting_for_staff(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        meeting = self.permission_object
        cases, experts = meeting_ranking(meeting)
        return super().get_context_data(
            meeting=meeting,
            cases=cases,
            experts=experts,
            trim_from=aggregation.TRIM_FROM,
            far_z=aggregation.FAR_Z,
            **kwargs,
        )
