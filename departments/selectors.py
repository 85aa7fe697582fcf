"""Reads of the unit tree that more than one interface needs."""

from django.db.models import Min, Value

from departments.models import Department
from positions.models import Employee, Position
from positions.selectors import position_rows

UNIT_FIELDS = ("id", "code", "name", "name_en", "kind", "parent", "head", "order", "depth")
CHART_POSITION_FIELDS = (
    "id", "code", "title", "title_en", "reports_to", "grade", "headcount", "filled", "is_key", "department",
)  # fmt: skip


def org_chart(*, units=None, root=None, depth=None, people=None):
    """The unit tree with each unit's positions and their holders, in three queries.

    `units` is the queryset of units the reader may see (None: all of them); `root` (a
    Department) limits it to that subtree, `depth` to that many levels below the top unit(s)
    returned (0: the top units only). A unit whose parent is not shown is a top unit. `people`
    limits the holders named (counts always include everyone).
    Returns the list of top units.
    """
    whole = units is None and root is None and depth is None
    units = Department.objects.all() if units is None else units
    if root is not None:
        units = units.filter(path__startswith=root.path)
    if depth is not None:
        top_depth = root.depth if root is not None else (units.aggregate(top=Min("depth"))["top"] or 0)
        units = units.filter(depth__lte=top_depth + depth)
    unit_rows = list(units.order_by("path", "order", "id").values(*UNIT_FIELDS))
    by_id = {}
    for unit in unit_rows:
        unit["positions"], unit["children"] = [], []
        by_id[unit["id"]] = unit

    # Every holder is named when `people` is not given, so the filled seats are counted from them.
    count_holders = people is None
    positions = Position.objects.all() if whole else Position.objects.filter(department__in=units.values("id"))
    positions = positions.order_by("department", "order", "id")
    if count_holders:
        positions = positions.annotate(filled=Value(0)).values(*CHART_POSITION_FIELDS)
    else:
        positions = position_rows(positions).values(*CHART_POSITION_FIELDS)
    position_by_id = {}
    for position in positions:
        position["vacant"] = 0
        position["holders"] = []
        position_by_id[position["id"]] = position
        by_id[position.pop("department")]["positions"].append(position)

    if whole and count_holders:  # every position is in the chart: no need to name them
        holders = Employee.objects.filter(active=True, position__isnull=False)
    else:
        holders = (Employee.objects.all() if people is None else people).filter(
            active=True, position_id__among=list(position_by_id)
        )
    for person in holders.order_by("employee_no").values("id", "employee_no", "name", "name_en", "position"):
        position_by_id[person.pop("position")]["holders"].append(person)
    for position in position_by_id.values():
        if count_holders:
            position["filled"] = len(position["holders"])
        position["vacant"] = max(position["headcount"] - position["filled"], 0)
    return nest_units(unit_rows)


def nest_units(unit_rows):
    """Put unit rows (dicts with `id`, `parent`, `order` and an empty `children`) into their tree.

    Returns the top units: those whose parent is not among the rows. Siblings come in their
    stated order.
    """
    by_id = {unit["id"]: unit for unit in unit_rows}
    top = []
    for unit in unit_rows:
        parent = by_id.get(unit["parent"])
        (parent["children"] if parent is not None else top).append(unit)
    for unit in unit_rows:
        unit["children"].sort(key=lambda child: (child["order"], child["id"]))
    top.sort(key=lambda unit: (unit["order"], unit["id"]))
    return top


def tree_order(units):
    """Units (objects or rows with `id`/`pk`, `parent`/`parent_id` and `order`) depth-first, siblings by (order, id).

    The order of the org chart. `path` is no sort key: as text, unit "/1/10/" comes before "/1/2/".
    A unit whose parent is not among `units` starts a tree of its own.
    """
    units = list(units)

    def key(unit, name):
        return unit[name] if isinstance(unit, dict) else getattr(unit, "pk" if name == "id" else name)

    def parent_of(unit):
        return unit.get("parent") if isinstance(unit, dict) else unit.parent_id

    present = {key(unit, "id") for unit in units}
    children = {}
    for unit in units:
        parent = parent_of(unit)
        children.setdefault(parent if parent in present else None, []).append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda unit: (key(unit, "order"), key(unit, "id")))
    ordered, stack = [], list(reversed(children.get(None, [])))
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack.extend(reversed(children.get(key(unit, "id"), [])))
    return ordered
