"""URLs of city staff's review pages (under ``staff/``)."""

from django.urls import path

from reviews.views import staff

urlpatterns = [
    path("staff/meetings/", staff.MeetingListView.as_view(), name="staff_meetings"),
    path("staff/meetings/new/", staff.MeetingCreateView.as_view(), name="staff_meeting_create"),
    path("staff/meetings/<int:pk>/", staff.MeetingDetailView.as_view(), name="staff_meeting"),
    path("staff/meetings/<int:pk>/draw/", staff.MeetingDrawView.as_view(), name="staff_meeting_draw"),
    path("staff/meetings/<int:pk>/cases/", staff.MeetingCasesView.as_view(), name="staff_meeting_cases"),
    path("staff/meetings/<int:pk>/substitute/", staff.MeetingSubstituteView.as_view(), name="staff_meeting_substitute"),
    path("staff/experts/import/", staff.ExpertImportView.as_view(), name="staff_experts_import"),
    path("staff/experts/import/confirm/", staff.ExpertImportConfirmView.as_view(), name="staff_experts_import_confirm"),
    path("staff/experts/import/template/", staff.ExpertTemplateView.as_view(), name="staff_experts_template"),
    path("staff/experts/export/", staff.ExpertExportView.as_view(), name="staff_experts_export"),
]
