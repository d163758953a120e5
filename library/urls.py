"""URLs of the library app: the public library, the staff's documents, the 一企一策 packages."""

from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("", views.LibraryIndexView.as_view(), name="index"),
    path("documents/<int:pk>/", views.DocumentView.as_view(), name="document"),
    path("documents/<int:pk>/v<int:number>/file/", views.DocumentFileView.as_view(), name="file"),
    path("manage/", views.ManageView.as_view(), name="manage"),
    path("manage/new/", views.DocumentCreateView.as_view(), name="document_create"),
    path("manage/<int:pk>/", views.DocumentEditView.as_view(), name="document_edit"),
    path("manage/<int:pk>/version/", views.VersionCreateView.as_view(), name="version_create"),
    path("packages/", views.PackagesView.as_view(), name="packages"),
    path("packages/start/<int:pk>/", views.PackageStartView.as_view(), name="package_start"),
    path("packages/<int:pk>/", views.PackageView.as_view(), name="package"),
    path("packages/<int:pk>/edit/", views.PackageEditView.as_view(), name="package_edit"),
    path("packages/<int:pk>/acknowledge/", views.PackageAcknowledgeView.as_view(), name="package_acknowledge"),
]
