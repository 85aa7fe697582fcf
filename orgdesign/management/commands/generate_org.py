"""Build a deterministic synthetic organisation (for benchmarks and trials) through the import."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from orgdesign.transfer import progress_bar
from orgdesign.transfer.generate import generate
from orgdesign.transfer.load import apply, make_plan


class Command(BaseCommand):
    help = "Generate an organisation of N positions and M people (deterministic for a seed) and load it."

    def add_arguments(self, parser):
        parser.add_argument("--positions", type=int, default=1000)
        parser.add_argument("--employees", type=int, default=None, help="default: 2.5 per position")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, positions, employees, seed, **options):
        if positions < 3:
            raise CommandError("Generate at least 3 positions.")
        employees = int(positions * 2.5) if employees is None else employees
        started = time.monotonic()
        rows = generate(positions=positions, employees=employees, seed=seed)
        plan = make_plan(rows, check_fields=False)  # generated rows are valid: tests/transfer checks them in full
        if plan.problems:
            raise CommandError("\n".join(str(p) for p in plan.problems[:20]))
        apply(plan, progress=progress_bar(sys.stderr))
        self.stdout.write(
            f"Generated {len(rows['units'])} units, {len(rows['positions'])} positions, {len(rows['duties'])} duties, "
            f"{len(rows['employees'])} people in {time.monotonic() - started:.1f} s."
        )
