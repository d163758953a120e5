from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("tasks/", views.ExpertHomeView.as_view(), name="expert_home"),
]
