from django.urls import path

from applications.views import audit

urlpatterns = [
    path("audit/district/", audit.DistrictQueueView.as_view(), name="district_queue"),
    path("audit/city/", audit.CityQueueView.as_view(), name="city_queue"),
]
