"""The portal's Django admin site: its index grouped by the city's work, not by app label.

Staff look for 申报审核, 专家评审, 公示备案, 企业服务 and 系统, not for "applications" or "reviews". The
sections hold the models each role may see (Django's own per-model permission filter runs first), in
the order of ``ADMIN_SECTIONS``; an app's own page (``/admin/<app_label>/``) and every model URL stay
as Django names them. The core imports no app: models are named by their labels.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

#: (key, title, app labels): the sections of the admin index, in order; an app not named goes to 系统.
ADMIN_SECTIONS = (
    ("audit", _("Application audit (申报审核)"), ("applications",)),
    ("review", _("Expert review (专家评审)"), ("reviews",)),
    ("results", _("Publicity and filing (公示备案)"), ("results",)),
    # The registry and the campaign's service side (issue 15): questionnaires, the library and 一企一策
    # packages, inspections, continuing-education hours.
    (
        "enterprises",
        _("Enterprise services (企业服务)"),
        ("enterprises", "surveys", "library", "inspections", "training"),
    ),
    ("system", _("System (系统)"), ()),
)
SYSTEM_SECTION = "system"


def section_of(app_label):
    for key, _title, labels in ADMIN_SECTIONS:
        if app_label in labels:
            return key
    return SYSTEM_SECTION


class PortalAdminSite(admin.AdminSite):
    site_header = "枣庄市专精特新企业职称申报评审平台"
    site_title = "职称评审平台管理"
    index_title = _("HR bureau workspace")

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        sections = {key: {"title": title, "apps": []} for key, title, _labels in ADMIN_SECTIONS}
        for app in apps:
            sections[section_of(app["app_label"])]["apps"].append(app)
        grouped = []
        for key, section in sections.items():
            if not section["apps"]:
                continue
            first = section["apps"][0]
            grouped.append(
                {
                    "name": section["title"],
                    "app_label": key,
                    # The caption links to the first app's page, which Django serves as before.
                    "app_url": first["app_url"],
                    "has_module_perms": True,
                    "models": [model for app in section["apps"] for model in app["models"]],
                }
            )
        return grouped


class PortalAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``PortalAdminSite`` as the default site (INSTALLED_APPS names this)."""

    default_site = "zaozhuang_titles.admin_site.PortalAdminSite"
