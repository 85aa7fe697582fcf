"""Write the whole organisation to an XLSX workbook, or one sheet of it to CSV."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgdesign.transfer.export import csv_bytes, workbook_bytes
from orgdesign.transfer.layout import BY_NAME


class Command(BaseCommand):
    help = "Export the organisation: FILE.xlsx (every sheet) or FILE.csv with --sheet NAME."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--sheet", choices=sorted(BY_NAME), help="the sheet to write as CSV")

    def handle(self, *args, file, sheet, **options):
        path = Path(file)
        if path.suffix.lower() == ".csv":
            if not sheet:
                raise CommandError("A CSV holds one sheet: name it with --sheet.")
            path.write_bytes(csv_bytes(sheet))
        else:
            path.write_bytes(workbook_bytes(sheets=[sheet] if sheet else None))
        self.stdout.write(f"Wrote {path}")
