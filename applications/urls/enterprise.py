from django.urls import path

from applications.views import enterprise

urlpatterns = [
    path("nominations/", enterprise.ChairmanHomeView.as_view(), name="chairman_home"),
]
