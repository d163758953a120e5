"""Django admin as city staff read it: every section named in Chinese (django-axes' too), the
portal's icon on every page and at /favicon.ico."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


def test_admin_index_names_the_login_security_section_in_chinese(client_for):
    client = client_for(UserFactory(roles=[Role.ADMINISTRATOR]))

    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # The index groups apps by the city's work (issue 14): axes' models are under 系统; its own page keeps
    # the section's name.
    app_page = client.get(reverse("admin:app_list", args=["axes"]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "系统" in page
    assert "登录安全" in app_page
    assert "登录尝试" in page
    assert "登录失败" in page
    assert "登录记录" in page
    for english in ("Axes", "Access attempts", "Access failures", "Access logs", "Model name", "Add link"):
        assert english not in page


def test_admin_pages_name_the_portal_icon(client_for):
    client = client_for(UserFactory(roles=[Role.ADMINISTRATOR]))

    index = client.get(reverse("admin:index")).content.decode()
    login = client_for(None).get(reverse("admin:login")).content.decode()

    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in index
    assert 'rel="icon"' in login


def test_favicon_ico_redirects_to_the_portal_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
    assert client.get(response["Location"]).status_code == 200
