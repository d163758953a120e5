"""Load the demo data of every app, in dependency order. Idempotent."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.utils import translation

#: Each app with demo data exposes ``demo.seed(stdout=None)``; the order follows their dependencies.
DEMO_MODULES = ["zaozhuang_titles.demo", "enterprises.demo", "applications.demo", "reviews.demo"]


class Command(BaseCommand):
    help = "Load the demo data (divisions, one account per role, the first batch…). Safe to run again."

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        for module in DEMO_MODULES:
            import_module(module).seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
