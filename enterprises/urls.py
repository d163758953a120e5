from django.urls import path

from enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("mine/", views.ContactHomeView.as_view(), name="contact_home"),
    path("served/", views.CommissionerHomeView.as_view(), name="commissioner_home"),
    path("register/", views.EnterpriseRegisterView.as_view(), name="register"),
    path("", views.EnterpriseListView.as_view(), name="list"),
    path("export.xlsx", views.EnterpriseExportView.as_view(), name="export"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("import/template.xlsx", views.ImportTemplateView.as_view(), name="import_template"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="detail"),
    path("<int:pk>/history/", views.EnterpriseHistoryView.as_view(), name="history"),
    path("<int:pk>/verify/", views.EnterpriseVerifyView.as_view(), name="verify"),
    path("<int:pk>/commissioner/", views.AssignCommissionerView.as_view(), name="assign_commissioner"),
    path("<int:pk>/service-log/", views.ServiceLogCreateView.as_view(), name="service_log_add"),
    path("service-log/<int:pk>/solve/", views.ServiceLogSolveView.as_view(), name="service_log_solve"),
    # 码上看: public, opened by the enterprise's QR code; the token is unguessable.
    path("q/<str:token>/", views.PublicEnterpriseView.as_view(), name="public"),
    path("q/<str:token>/qr.svg", views.EnterpriseQRCodeView.as_view(), name="qr_code"),
]
