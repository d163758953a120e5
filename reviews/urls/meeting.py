"""URLs of the meeting and its secret ballot (see ``reviews.views.meeting``)."""

from django.urls import path

from reviews.views import meeting

urlpatterns = [
    path("voting/meetings/", meeting.MeetingListView.as_view(), name="vote_meetings"),
    path("voting/meetings/<int:pk>/", meeting.MeetingView.as_view(), name="vote_meeting"),
    path("voting/meetings/<int:pk>/open/", meeting.VoteOpenView.as_view(), name="vote_open"),
    path("voting/meetings/<int:pk>/close/", meeting.VoteCloseView.as_view(), name="vote_close"),
    path("voting/meetings/<int:pk>/record.pdf", meeting.MeetingRecordView.as_view(), name="vote_record"),
    path("voting/", meeting.ExpertMeetingListView.as_view(), name="vote_expert_home"),
    path("voting/<int:pk>/", meeting.ExpertBallotView.as_view(), name="vote_ballots"),
    path("voting/cases/<int:pk>/ballot/", meeting.BallotCastView.as_view(), name="vote_cast"),
]
