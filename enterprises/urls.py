from django.urls import path

from enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("mine/", views.ContactHomeView.as_view(), name="contact_home"),
    path("served/", views.CommissionerHomeView.as_view(), name="commissioner_home"),
]
