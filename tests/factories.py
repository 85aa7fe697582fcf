"""Test data built through the services, so every rule applies to it too."""

import itertools

from departments.services import department_create
from positions.services import employee_create, position_create

_numbers = itertools.count(1)


def make_unit(*, parent=None, code=None, name=None, kind="department", **fields):
    number = next(_numbers)
    return department_create(
        code=code or f"U{number}", name=name or f"单位{number}", kind=kind, parent=parent, **fields
    )


def make_position(*, department=None, reports_to=None, code=None, title=None, headcount=1, **fields):
    number = next(_numbers)
    return position_create(
        code=code or f"P{number}",
        title=title or f"岗位{number}",
        department=department or make_unit(),
        reports_to=reports_to,
        headcount=headcount,
        **fields,
    )


def make_employee(*, position=None, employee_no=None, name=None, **fields):
    number = next(_numbers)
    return employee_create(
        employee_no=employee_no or f"E{number:05d}", name=name or f"员工{number}", position=position, **fields
    )
