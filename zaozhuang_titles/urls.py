from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from zaozhuang_titles import views

account_patterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("notices/", views.NoticeListView.as_view(), name="notices"),
    path("notices/digest/", views.StaffDigestView.as_view(), name="notices_digest"),
    path("exports/", views.ExportListView.as_view(), name="exports"),
    path("exports/<int:pk>/", views.ExportDetailView.as_view(), name="export_detail"),
    path("exports/<int:pk>/status/", views.ExportStatusView.as_view(), name="export_status"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export_download"),
    path("accounts/", include(account_patterns)),
    path("accounts/", include("api.urls_personal")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("enterprises/", include("enterprises.urls")),
    path("applications/", include("applications.urls")),
    path("applications/", include("results.urls")),
    path("reviews/", include("reviews.urls")),
    path("statistics/", include("dashboard.urls")),
    path("training/", include("training.urls")),
    path("surveys/", include("surveys.urls")),
    path("library/", include("library.urls")),
    path("consultations/", include("consultations.urls")),
    path("inspections/", include("inspections.urls")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "zaozhuang_titles.views.permission_denied"
handler404 = "zaozhuang_titles.views.page_not_found"
handler500 = "zaozhuang_titles.views.server_error"
