"""Load the demo data of every app, in dependency order. Idempotent."""

from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.module_loading import module_has_submodule


def demo_modules():
    """The ``demo`` module of each of the project's apps, in INSTALLED_APPS order (their dependency order).

    Found through the app registry, so the core names no app: an app joins the demo by shipping a
    ``demo`` module with ``seed(*, stdout=None)``. Only the project's own apps (top-level packages beside
    manage.py) are looked at, never an installed library's, even when the virtualenv sits in the project.
    """
    base = Path(settings.BASE_DIR).resolve()
    return [
        import_module(f"{config.name}.demo")
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base and module_has_submodule(config.module, "demo")
    ]


class Command(BaseCommand):
    help = "Load the demo data (divisions, one account per role, the first batch…). Safe to run again."

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        for module in demo_modules():
            module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
