"""Write the whole database (history, users and permissions included) to one backup file."""

from django.core.management.base import BaseCommand

from orgdesign.backup import write_backup


class Command(BaseCommand):
    help = "Back up the whole database to FILE (a ZIP archive); `restore FILE` loads it into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        manifest = write_backup(file)
        self.stdout.write(f"Wrote {file}: {sum(manifest['rows'].values())} rows of {len(manifest['rows'])} tables.")
