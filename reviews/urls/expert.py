from django.urls import path

from reviews.views import expert

urlpatterns = [
    path("tasks/", expert.ExpertHomeView.as_view(), name="expert_home"),
]
