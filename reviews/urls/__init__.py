"""URLs of reviews, one module per audience (see ``reviews.views``)."""

from reviews.urls import expert, meeting, ranking, staff

app_name = "reviews"
urlpatterns = [*expert.urlpatterns, *staff.urlpatterns, *ranking.urlpatterns, *meeting.urlpatterns]
