"""URLs of the training app: the person's hours, and the staff's recognition and import."""

from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.MyHoursView.as_view(), name="my_hours"),
    path("add/", views.EntryAddView.as_view(), name="entry_add"),
    path("entries/<int:pk>/withdraw/", views.EntryWithdrawView.as_view(), name="entry_withdraw"),
    path("entries/<int:pk>/certificate/", views.CertificateView.as_view(), name="certificate"),
    path("staff/", views.StaffEntriesView.as_view(), name="staff_entries"),
    path("staff/entries/<int:pk>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path("staff/import/", views.ImportView.as_view(), name="import"),
    path("staff/import/template/", views.ImportTemplateView.as_view(), name="import_template"),
    path("staff/imports/<int:pk>/recognise/", views.ImportRecogniseView.as_view(), name="import_recognise"),
]
