"""URLs of the results, mounted under ``applications/`` where they always were (namespace ``results``)."""

from results.urls import filing, publicity

app_name = "results"
urlpatterns = [
    *filing.urlpatterns,
    *publicity.urlpatterns,
]
