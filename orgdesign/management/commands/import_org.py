"""Import an organisation from XLSX or CSV: check every row first, then apply all of it or nothing."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgdesign.transfer import progress_bar
from orgdesign.transfer.layout import BY_NAME
from orgdesign.transfer.load import REFUSED, apply, make_plan
from orgdesign.transfer.read import ImportRefused, read


class Command(BaseCommand):
    help = (
        "Import FILE (.xlsx with a sheet per kind, or .csv with --sheet). Every row is checked first; "
        "with problems nothing changes and each is listed by sheet, row and column. --dry-run only checks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="one workbook, or CSV files named after their sheets"
        )
        parser.add_argument("--sheet", choices=sorted(BY_NAME), help="the sheet a CSV file holds")
        parser.add_argument("--dry-run", action="store_true", help="check and report, change nothing")

    def handle(self, *args, files, sheet, dry_run, verbosity, **options):
        data, problems = {}, []
        for file in files:  # rows may refer to rows of the other files given with them
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"There is no file {path}.")
            try:
                rows, found = read(path.read_bytes(), path.name, sheet=sheet)
            except ImportRefused as refused:
                raise CommandError("\n".join(str(p) for p in refused.problems)) from None
            data.update(rows)
            problems += found
        bar = progress_bar(sys.stderr) if verbosity else (lambda *a: None)
        bar("checking", 0, 1)
        plan = make_plan(data)
        plan.problems[:0] = problems
        bar("checked", 1, 1)
        if verbosity >= 2:
            for sheet_name, row, action, _row in plan.rows_with_actions():
                self.stdout.write(f"{sheet_name} row {row}: {action}")
        for sheet_name, counts in plan.counts().items():
            self.stdout.write(
                f"{sheet_name}: {counts['create']} to create, {counts['change']} to change, "
                f"{counts['unchanged']} unchanged, {counts[REFUSED]} refused"
            )
        if plan.problems:
            for problem in plan.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(plan.problems)} problem(s); nothing was imported.")
        if dry_run:
            self.stdout.write(self.style.SUCCESS("Dry run: every row can be imported; nothing was changed."))
            return
        apply(plan, progress=bar)
        self.stdout.write(self.style.SUCCESS("Imported."))
