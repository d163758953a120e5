"""Recount the applications per (batch, division, status) and compare with the kept counts.

The queues' tab counts read the counter table (``applications.counters``); the services keep it. This
command is the check: it reports each difference and exits with status 1 when there is one; with
``--fix`` it rewrites the table from the recount (and exits 0). Run it after loading applications by
any means other than the services (a bulk import, a restore), or from cron as a tripwire.
"""

from django.core.management.base import BaseCommand, CommandError

from applications.counters import status_counts_differences, status_counts_rebuild


class Command(BaseCommand):
    help = "Compare the queues' kept status counts with a recount; --fix rewrites them."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite the counts that differ from the recount.")

    def handle(self, *args, fix=False, **options):
        differences = status_counts_rebuild() if fix else status_counts_differences()
        for (batch_id, division_id, status), kept, counted in differences:
            self.stdout.write(
                f"batch {batch_id} division {division_id} {status}: kept {kept}, counted {counted}"
                + (" (fixed)" if fix else "")
            )
        if not differences:
            self.stdout.write(self.style.SUCCESS("The status counts match a recount."))
        elif fix:
            self.stdout.write(self.style.SUCCESS(f"{len(differences)} status counts rewritten from a recount."))
        else:
            raise CommandError(f"{len(differences)} status counts differ from a recount; run with --fix to repair.")
