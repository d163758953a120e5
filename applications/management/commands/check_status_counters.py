"""Recount the kept counters and compare: the applications per (batch, division, status), and the
working days spent at each step per (batch, division, status, step, target, working days).

The queues' tab counts and the statistics page read the counter tables (``applications.counters``); the
services keep them. This command is the check: it reports each difference and exits with status 1 when
there is one; with ``--fix`` it rewrites the tables from the recount (and exits 0). Run it after loading
applications or transitions by any means other than the services (a bulk import, a restore), or from
cron as a tripwire.
"""

from django.core.management.base import BaseCommand, CommandError

from applications.counters import (
    status_counts_differences,
    status_counts_rebuild,
    stay_counts_differences,
    stay_counts_rebuild,
)


class Command(BaseCommand):
    help = "Compare the kept status counts and working days at each step with a recount; --fix rewrites them."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite the counts that differ from the recount.")

    def handle(self, *args, fix=False, **options):
        suffix = " (fixed)" if fix else ""
        statuses = status_counts_rebuild() if fix else status_counts_differences()
        for (batch_id, division_id, status), kept, counted in statuses:
            self.stdout.write(
                f"batch {batch_id} division {division_id} {status}: kept {kept}, counted {counted}{suffix}"
            )
        stays = stay_counts_rebuild() if fix else stay_counts_differences()
        for (batch_id, division_id, status, step, target, days), kept, counted in stays:
            self.stdout.write(
                f"batch {batch_id} division {division_id} now {status}, stays at {step} ended by {target} "
                f"after {days} working days: kept {kept}, counted {counted}{suffix}"
            )
        if not statuses and not stays:
            self.stdout.write(self.style.SUCCESS("The status counts and working days at each step match a recount."))
        elif fix:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(statuses)} status counts and {len(stays)} stay counts rewritten from a recount."
                )
            )
        else:
            parts = [f"{len(statuses)} status counts differ"] if statuses else []
            if stays:
                parts.append(f"{len(stays)} stay counts (working days at each step) differ")
            raise CommandError(f"{' and '.join(parts)} from a recount; run with --fix to repair.")
