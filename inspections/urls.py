"""URLs of the inspections app: city staff's plans, the inspectors' and enterprises' pages, and the
public pages of the draw and the results."""

from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    # The public: no login.
    path("", views.PublicIndexView.as_view(), name="public_index"),
    path("public/<int:pk>/", views.PublicPlanView.as_view(), name="public_plan"),
    path("public/<int:pk>/results/", views.PublicResultsView.as_view(), name="public_results"),
    # City staff.
    path("plans/", views.PlanListView.as_view(), name="plans"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan"),
    path("plans/<int:pk>/announce/", views.PlanAnnounceView.as_view(), name="plan_announce"),
    path("plans/<int:pk>/draw/", views.PlanDrawView.as_view(), name="plan_draw"),
    path("plans/<int:pk>/publish/", views.PlanPublishView.as_view(), name="plan_publish"),
    # Inspectors and the inspected enterprise's contact.
    path("mine/", views.MyInspectionsView.as_view(), name="mine"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection"),
    path("inspections/<int:pk>/findings/", views.FindingsView.as_view(), name="findings"),
    path("inspections/<int:pk>/files/", views.FindingFileAddView.as_view(), name="finding_file_add"),
    path("inspections/<int:pk>/conclude/", views.ConcludeView.as_view(), name="conclude"),
    path("inspections/<int:pk>/reply/", views.ReplyView.as_view(), name="reply"),
    path("inspections/<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("files/<int:pk>/", views.InspectionFileView.as_view(), name="file"),
]
