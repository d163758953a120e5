"""URLs of the consultations app."""

app_name = "consultations"

urlpatterns = []
