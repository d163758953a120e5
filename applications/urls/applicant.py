from django.urls import path

from applications.views import applicant

urlpatterns = [
    path("", applicant.ApplicantHomeView.as_view(), name="applicant_home"),
]
