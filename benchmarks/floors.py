"""The cheapest ways to produce the whole-organisation JSON documents: what our endpoints are held against.

Each floor builds the same document as an endpoint with no framework at all: no URL routing,
authentication, permission filtering or serializers; the reader is assumed to see everything.

- `*_values`: one `values()` query per table, assembled into dicts and serialised with orjson
  (both databases);
- `*_sql`: PostgreSQL builds the JSON text itself with `json_build_object` / `json_agg`.

`same_document` checks that a floor's answer is the endpoint's, so a ratio compares like with like.
"""

import datetime
from decimal import Decimal

import orjson
from django.db import connection
from django.db.models import Count, Max, Q

from departments.models import Department
from departments.selectors import nest_units
from orgdesign.api.renderers import json_default
from positions.models import Authority, DescriptionVersion, Duty, Employee, Position, WorkStandard

POSITION_FIELDS = ("id", "code", "title", "title_en", "department", "reports_to", "grade", "headcount", "is_key",
                   "purpose", "purpose_en", "order", "revision", "created", "updated")  # fmt: skip


def _dumps(document):
    return orjson.dumps(document, default=json_default, option=orjson.OPT_NON_STR_KEYS)


def positions_values():
    """`/api/v1/positions/all/` from five `values()` queries."""
    filled = dict(
        Employee.objects.filter(active=True, position__isnull=False)
        .values("position")
        .annotate(n=Count("id"))
        .values_list("position", "n")
        .order_by()
    )
    versions = dict(
        DescriptionVersion.objects.values("position").annotate(n=Max("number")).values_list("position", "n").order_by()
    )
    rows, by_id = [], {}
    for row in Position.objects.order_by("id").values(*POSITION_FIELDS):
        row["filled"] = filled.get(row["id"], 0)
        row["version"] = versions.get(row["id"])
        row["vacant"] = max(row["headcount"] - row["filled"], 0)
        row["duties"], row["authorities"], row["standards"] = [], [], []
        rows.append(row)
        by_id[row["id"]] = row
    duty_index = {}
    for duty in Duty.objects.order_by("position_id", "order", "id").values(
        "id", "position_id", "category", "title", "title_en", "text", "text_en", "order"
    ):
        owner = by_id[duty.pop("position_id")]["duties"]
        duty_index[duty["id"]] = len(owner)
        owner.append(duty)
    for authority in Authority.objects.order_by("position_id", "order", "id").values(
        "id", "position_id", "text", "text_en", "order"
    ):
        by_id[authority.pop("position_id")]["authorities"].append(authority)
    for standard in WorkStandard.objects.order_by("position_id", "order", "id").values(
        "id", "position_id", "measure", "measure_en", "target", "unit", "duty", "order"
    ):
        standard["duty_index"] = duty_index.get(standard["duty"])
        by_id[standard.pop("position_id")]["standards"].append(standard)
    return _dumps({"count": len(rows), "results": rows})


POSITIONS_SQL = """
SELECT json_build_object('count', (SELECT count(*) FROM positions_position), 'results', coalesce(json_agg(
  json_build_object(
    'id', p.id, 'code', p.code, 'title', p.title, 'title_en', p.title_en, 'department', p.department_id,
    'reports_to', p.reports_to_id, 'grade', p.grade, 'headcount', p.headcount, 'is_key', p.is_key,
    'purpose', p.purpose, 'purpose_en', p.purpose_en, 'order', p."order", 'revision', p.revision,
    'created', p.created, 'updated', p.updated, 'filled', coalesce(f.n, 0), 'version', v.n,
    'vacant', greatest(p.headcount - coalesce(f.n, 0), 0),
    'duties', coalesce(d.items, '[]'), 'authorities', coalesce(a.items, '[]'), 'standards', coalesce(s.items, '[]')
  ) ORDER BY p.id), '[]'))::text
FROM positions_position p
LEFT JOIN (SELECT position_id, count(*) n FROM positions_employee WHERE active GROUP BY position_id) f
  ON f.position_id = p.id
LEFT JOIN (SELECT position_id, max(number) n FROM positions_descriptionversion GROUP BY position_id) v
  ON v.position_id = p.id
LEFT JOIN (SELECT position_id, json_agg(json_build_object('id', id, 'category', category, 'title', title,
             'title_en', title_en, 'text', text, 'text_en', text_en, 'order', "order") ORDER BY "order", id) items
           FROM positions_duty GROUP BY position_id) d ON d.position_id = p.id
LEFT JOIN (SELECT position_id, json_agg(json_build_object('id', id, 'text', text, 'text_en', text_en,
             'order', "order") ORDER BY "order", id) items
           FROM positions_authority GROUP BY position_id) a ON a.position_id = p.id
LEFT JOIN (SELECT ws.position_id, json_agg(json_build_object('id', ws.id, 'measure', ws.measure,
             'measure_en', ws.measure_en, 'target', ws.target::text, 'unit', ws.unit, 'duty', ws.duty_id,
             'order', ws."order", 'duty_index', dn.n - 1) ORDER BY ws."order", ws.id) items
           FROM positions_workstandard ws
           LEFT JOIN (SELECT id, row_number() OVER (PARTITION BY position_id ORDER BY "order", id) n
                      FROM positions_duty) dn ON dn.id = ws.duty_id
           GROUP BY ws.position_id) s ON s.position_id = p.id
"""


def positions_sql():
    """`/api/v1/positions/all/` as one PostgreSQL query that returns the JSON text."""
    with connection.cursor() as cursor:
        cursor.execute(POSITIONS_SQL)
        return cursor.fetchone()[0].encode()


UNIT_FIELDS = ("id", "code", "name", "name_en", "kind", "parent", "head", "order", "depth")


def org_chart_values():
    """`/api/v1/org-chart/` from three `values()` queries (units, positions with counts, holders)."""
    units = list(Department.objects.order_by("path", "order", "id").values(*UNIT_FIELDS))
    by_id = {}
    for unit in units:
        unit["positions"], unit["children"] = [], []
        by_id[unit["id"]] = unit
    positions = {}
    for position in (
        Position.objects.order_by("department", "order", "id")
        .annotate(filled=Count("holders", filter=Q(holders__active=True)))
        .values(
            "id", "code", "title", "title_en", "reports_to", "grade", "headcount", "filled", "is_key", "department"
        )  # fmt: skip
    ):
        position["vacant"] = max(position["headcount"] - position["filled"], 0)
        position["holders"] = []
        positions[position["id"]] = position
        by_id[position.pop("department")]["positions"].append(position)
    for person in (
        Employee.objects.filter(active=True, position__isnull=False)
        .order_by("employee_no")
        .values("id", "employee_no", "name", "name_en", "position")
    ):
        positions[person.pop("position")]["holders"].append(person)
    return _dumps({"units": nest_units(units)})


ORG_CHART_SQL = """
SELECT u.id, u.parent_id, u."order", json_build_object(
  'id', u.id, 'code', u.code, 'name', u.name, 'name_en', u.name_en, 'kind', u.kind, 'parent', u.parent_id,
  'head', u.head_id, 'order', u."order", 'depth', u.depth, 'positions', coalesce(p.items, '[]'))::text
FROM departments_department u
LEFT JOIN (
  SELECT p.department_id, json_agg(json_build_object(
    'id', p.id, 'code', p.code, 'title', p.title, 'title_en', p.title_en, 'reports_to', p.reports_to_id,
    'grade', p.grade, 'headcount', p.headcount, 'filled', coalesce(h.n, 0), 'is_key', p.is_key,
    'vacant', greatest(p.headcount - coalesce(h.n, 0), 0), 'holders', coalesce(h.items, '[]')
  ) ORDER BY p."order", p.id) items
  FROM positions_position p
  LEFT JOIN (SELECT position_id, count(*) n, json_agg(json_build_object('id', id, 'employee_no', employee_no,
               'name', name, 'name_en', name_en) ORDER BY employee_no) items
             FROM positions_employee WHERE active AND position_id IS NOT NULL GROUP BY position_id) h
    ON h.position_id = p.id
  GROUP BY p.department_id
) p ON p.department_id = u.id
"""


def org_chart_sql():
    """`/api/v1/org-chart/` from one PostgreSQL query; only the nesting of units is joined in Python, as text."""
    with connection.cursor() as cursor:
        cursor.execute(ORG_CHART_SQL)
        rows = cursor.fetchall()
    children, text = {}, {}
    for unit_id, parent_id, order, body in rows:
        text[unit_id] = body
        children.setdefault(parent_id, []).append((order, unit_id))
    known = set(text)

    def render(unit_id):
        kids = sorted(children.get(unit_id, ()))
        return text[unit_id][:-1] + ', "children" : [' + ",".join(render(k) for _o, k in kids) + "]}"

    tops = sorted((o, u) for parent, items in children.items() if parent not in known for o, u in items)
    return ('{"units":[' + ",".join(render(u) for _o, u in tops) + "]}").encode()


def _normal(value):
    """Parsed JSON with times and decimals in one spelling (PostgreSQL writes them its own way)."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in "T ":
        try:
            return datetime.datetime.fromisoformat(value).astimezone(datetime.UTC)
        except ValueError:
            return value
    if isinstance(value, str):
        try:
            return Decimal(value).normalize() if value.replace(".", "", 1).isdigit() else value
        except ArithmeticError:
            return value
    return value


def same_document(ours, floor):
    """True when two JSON documents say the same (whatever their spacing and number spelling)."""
    return _normal(orjson.loads(ours)) == _normal(orjson.loads(floor))
