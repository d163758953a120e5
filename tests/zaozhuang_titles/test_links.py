"""zaozhuang_titles.links: absolute links from SITE_URL, else (development) from the request."""

from django.test import RequestFactory

from zaozhuang_titles.links import DEVELOPMENT_SITE_URL, absolute_url, site_url


def test_site_url_set_wins_over_the_request(settings):
    settings.SITE_URL = "https://titles.example.cn"
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8123")

    assert site_url(request) == "https://titles.example.cn"
    assert absolute_url("/applications/verify/abc/", request=request) == (
        "https://titles.example.cn/applications/verify/abc/"
    )


def test_site_url_empty_is_taken_from_the_request(settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    request = RequestFactory().get("/anything/", HTTP_HOST="127.0.0.1:8123")

    assert site_url(request) == "http://127.0.0.1:8123"
    assert absolute_url("/x/", request=request) == "http://127.0.0.1:8123/x/"


def test_site_url_empty_without_request_falls_back_to_make_run(settings):
    settings.SITE_URL = ""

    assert site_url() == DEVELOPMENT_SITE_URL == "http://127.0.0.1:8000"
    assert absolute_url("/x/", base="http://127.0.0.1:8123") == "http://127.0.0.1:8123/x/"
