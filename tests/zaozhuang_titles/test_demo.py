"""seed_demo: the core finds each app's demo through the app registry, in INSTALLED_APPS order."""

from io import StringIO

import pytest
from django.core.management import call_command

from zaozhuang_titles.management.commands.seed_demo import demo_modules

#: The dependency order of the apps that ship demo data; ``results`` joins at the end once it has one.
EXPECTED = ["zaozhuang_titles.demo", "enterprises.demo", "training.demo", "applications.demo", "reviews.demo"]


def test_demo_modules_are_the_project_apps_in_installed_apps_order():
    names = [module.__name__ for module in demo_modules()]

    assert names[: len(EXPECTED)] == EXPECTED
    # Then the apps after reviews, in INSTALLED_APPS order, those that seed something.
    later = ["results.demo", "surveys.demo", "library.demo", "consultations.demo", "inspections.demo", "api.demo"]
    assert names[len(EXPECTED) :] == [name for name in later if name in names]


@pytest.mark.django_db
def test_seed_demo_command_seeds_every_app_and_says_so(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    out = StringIO()

    call_command("seed_demo", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Demo logins (password for all: Zaozhuang@2022):"
    assert any(line.startswith("Applications: ") for line in lines)
    assert any(line.startswith("Reviews: ") for line in lines)
    assert "API: 3 demo clients made" in lines
    assert lines[-1] == "Demo data ready."
