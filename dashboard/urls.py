from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.StatisticsView.as_view(), name="statistics"),
    path("data.json", views.StatisticsDataView.as_view(), name="data"),
    path("export/<slug:table>.xlsx", views.StatisticsExportView.as_view(), name="export"),
]
