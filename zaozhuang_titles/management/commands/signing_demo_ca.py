"""Make a demo CA and a document-signing certificate for the demo and the tests (never for production: a
bureau installs the PKCS#12 file its CA gave it, README "Signed documents")."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zaozhuang_titles.signing import DEMO_P12_NAME, demo_ca_write


class Command(BaseCommand):
    help = (
        "Write a demo CA certificate (demo-ca.pem) and a signing certificate with its key (a PKCS#12 file) "
        "for signing documents. By default at DOCUMENT_SIGNING_P12 (in development: the private media "
        "directory); an existing file is kept unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="directory to write to (default: that of DOCUMENT_SIGNING_P12)")
        parser.add_argument(
            "--password", default=None, help="password of the PKCS#12 file (default: DOCUMENT_SIGNING_PASSWORD)"
        )
        parser.add_argument("--force", action="store_true", help="replace existing files")

    def handle(self, *args, **options):
        configured = Path(settings.DOCUMENT_SIGNING_P12) if settings.DOCUMENT_SIGNING_P12 else None
        if options["dir"]:
            directory, name = Path(options["dir"]), DEMO_P12_NAME
        elif configured is not None:
            directory, name = configured.parent, configured.name
        else:
            raise CommandError(
                "DOCUMENT_SIGNING_P12 is not set: give --dir, and point DOCUMENT_SIGNING_P12 at the file."
            )
        target = directory / name
        if target.exists() and not options["force"]:
            self.stdout.write(f"{target} exists; kept (--force replaces it).")
            return
        password = settings.DOCUMENT_SIGNING_PASSWORD if options["password"] is None else options["password"]
        p12, ca = demo_ca_write(directory, password=password, p12_name=name)
        self.stdout.write(
            self.style.SUCCESS(f"Signing certificate and key: {p12}\nDemo CA certificate (trust root): {ca}")
        )
