"""Load the seed organisation (see `orgdesign/seed/marketing.py`); safe to run again."""

import datetime
from functools import partial

from django.core.management.base import BaseCommand
from django.db import transaction

from departments.models import CollaborationMechanism, Department, DepartmentDuty
from departments.services import department_save
from orgdesign.choices import ChangeSource
from orgdesign.seed import marketing as seed
from orgdesign.seed.load_appraisal import load_demo_cycles, load_library
from orgdesign.seed.load_processes import load_processes
from positions.models import Duty, Employee, Position
from positions.services import description_publish, employee_save, position_save


def _changed(instance, values):
    changed = False
    for name, value in values.items():
        field = instance._meta.get_field(name)
        current = getattr(instance, field.attname)
        wanted = value.pk if field.is_relation and value is not None else value
        if current != wanted:
            setattr(instance, name, value)
            changed = True
    return changed


def _sync_list(queryset, rows, make):
    """Make the ordered rows of `queryset` equal `rows` (dicts), touching only what differs."""
    existing = list(queryset.order_by("order", "id"))
    for index, values in enumerate(rows):
        values = {**values, "order": index + 1}
        if index < len(existing):
            if _changed(existing[index], values):
                existing[index].full_clean()
                existing[index].save()
        else:
            obj = make(**values)
            obj.full_clean()
            obj.save()
    for extra in existing[len(rows) :]:
        extra.delete()


class Command(BaseCommand):
    help = "Load the seed marketing organisation, indicators and KPI sets; --demo adds fictional people and cycles."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also add two or three made-up people per position.")

    @transaction.atomic
    def handle(self, *args, demo=False, **options):
        units = self._units()
        positions = self._positions(units)
        for code, *_rest, head_code in seed.UNITS:
            unit = units[code]
            head = positions[head_code] if head_code else None
            if unit.head_id != (head.pk if head else None):
                unit.head = head
                department_save(department=unit)
        self._unit_extras(units)
        load_processes()
        load_library()
        people = self._demo_people(positions) if demo else 0
        if demo:
            load_demo_cycles()
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed organisation ready: {len(units)} units, {len(positions)} positions, indicators and KPI sets"
                + (f", {people} demo people, demo cycles 2026-Q2 (closed) and 2026-Q3 (open)." if demo else ".")
            )
        )

    def _units(self):
        units = {}
        for order, (code, parent, kind, name, name_en, function, function_en, _head) in enumerate(seed.UNITS, 1):
            unit = Department.objects.filter(code=code).first() or Department(code=code)
            values = {
                "parent": units[parent] if parent else None,
                "kind": kind,
                "name": name,
                "name_en": name_en,
                "function": function,
                "function_en": function_en,
                "order": order,
            }
            if _changed(unit, values) or unit.pk is None:
                department_save(department=unit)
            units[code] = unit
        return units

    def _positions(self, units):
        positions = {}
        for order, row in enumerate(seed.POSITIONS, 1):
            code, unit, reports_to, title, title_en, headcount, is_key, purpose, purpose_en, duties = row
            position = Position.objects.filter(code=code).first() or Position(code=code)
            values = {
                "department": units[unit],
                "reports_to": positions[reports_to] if reports_to else None,
                "title": title,
                "title_en": title_en,
                "headcount": headcount,
                "is_key": is_key,
                "purpose": purpose,
                "purpose_en": purpose_en,
                "order": order,
            }
            if _changed(position, values) or position.pk is None:
                position_save(position=position)
            _sync_list(
                position.duties.all(),
                [{"category": "core", "title": t, "title_en": te, "text": x, "text_en": xe} for t, te, x, xe in duties],
                partial(Duty, position=position),
            )
            description_publish(position=position, source=ChangeSource.COMMAND, note="seed")
            positions[code] = position
        return positions

    def _unit_extras(self, units):
        for code, duties in seed.UNIT_DUTIES.items():
            unit = units[code]
            _sync_list(
                unit.duties.all(),
                [
                    {"area": a, "area_en": ae, "title": t, "title_en": te, "text": x, "text_en": xe}
                    for a, ae, t, te, x, xe in duties
                ],
                partial(DepartmentDuty, department=unit),
            )
        hq = units[seed.UNITS[0][0]]
        _sync_list(
            hq.mechanisms.all(),
            [
                {"kind": k, "name": n, "name_en": ne, "description": d, "description_en": de}
                for k, n, ne, d, de in seed.MECHANISMS
            ],
            partial(CollaborationMechanism, department=hq),
        )

    def _demo_people(self, positions):
        number = 0
        for index, position in enumerate(positions.values()):
            wanted = 1 if position.headcount == 1 else 2 + index % 2
            for _seat in range(wanted):
                number += 1
                surname, surname_en = seed.DEMO_SURNAMES[number % len(seed.DEMO_SURNAMES)]
                given, given_en = seed.DEMO_GIVEN[number // len(seed.DEMO_SURNAMES) % len(seed.DEMO_GIVEN)]
                employee_no = f"DEMO{number:04d}"
                person = Employee.objects.filter(employee_no=employee_no).first() or Employee(employee_no=employee_no)
                values = {
                    "name": f"{surname}{given}{number:02d}",
                    "name_en": f"{surname_en} {given_en} {number:02d}",
                    "email": f"demo{number:04d}@example.com",
                    "position": position,
                    "active": True,
                    "start_date": datetime.date(2024, 1, 1) + datetime.timedelta(days=7 * number),
                }
                if _changed(person, values) or person.pk is None:
                    employee_save(employee=person)
        return number
