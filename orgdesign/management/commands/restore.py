"""Load a backup written by `backup` into an empty database."""

from django.core.management.base import BaseCommand

from orgdesign.backup import restore_backup


class Command(BaseCommand):
    help = "Restore FILE (written by `backup`) into this database, which is migrated first and must be empty."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--replace", action="store_true", help="throw away the data this database holds before restoring"
        )

    def handle(self, *args, file, replace, **options):
        manifest = restore_backup(file, replace=replace)
        self.stdout.write(f"Restored {file} (made {manifest['created']}): {sum(manifest['rows'].values())} rows.")
