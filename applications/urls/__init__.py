from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.ApplicantHomeView.as_view(), name="applicant_home"),
    path("nominations/", views.ChairmanHomeView.as_view(), name="chairman_home"),
    path("audit/district/", views.DistrictQueueView.as_view(), name="district_queue"),
    path("audit/city/", views.CityQueueView.as_view(), name="city_queue"),
]
