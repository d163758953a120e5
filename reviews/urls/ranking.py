from django.urls import path

from reviews.views import ranking

urlpatterns = [
    path("meetings/<int:pk>/ranking/", ranking.MeetingRankingView.as_view(), name="meeting_ranking"),
]
