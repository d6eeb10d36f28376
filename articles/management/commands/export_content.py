from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from healthhub.transfer.exporting import export_files


class Command(BaseCommand):
    help = (
        "Export all content as Markdown files with YAML front matter (format: docs/content-format.md) "
        "into a new or empty folder. import_content reads the result back."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="A folder that does not exist yet or is empty.")

    def handle(self, *args, directory, **options):
        target = Path(directory)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise CommandError(
                f"{target} is not an empty folder; choose a new or empty one so no old file is mixed in."
            )
        count = 0
        for name, data in export_files():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Exported {count} files to {target}."))
