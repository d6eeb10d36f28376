import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from healthhub.transfer.importing import import_paths

# Fewer files than this import too fast for a progress bar to help.
PROGRESS_FROM = 20


class Command(BaseCommand):
    help = (
        "Import content from Markdown files with YAML front matter (files, folders or .zip archives; "
        "format: docs/content-format.md). Items are created or updated by slug; nothing is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="A .md file, a folder of them, or a .zip.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything and report what would happen; save nothing."
        )

    def handle(self, *args, paths, dry_run=False, verbosity=1, **options):
        report = import_paths(paths, dry_run=dry_run, progress=self.progress_bar(verbosity))
        if verbosity >= 2:
            for outcome in report.outcomes:
                self.stdout.write(f"{outcome.action:8} {outcome.item} ({outcome.path})")
        for failure in report.failures:
            self.stderr.write(f"failed: {failure}")
        if verbosity >= 1:
            self.stdout.write(report.summary())
        if report.failures:
            raise CommandError(f"{len(report.failures)} file(s) could not be imported; see the lines above.")

    def progress_bar(self, verbosity):
        def wrap(files):
            # On stderr, so stdout stays a clean report; tqdm hides itself when stderr is not a terminal.
            show = verbosity >= 1 and len(files) >= PROGRESS_FROM
            return tqdm(files, desc="Importing", unit="file", file=sys.stderr, disable=None if show else True)

        return wrap
