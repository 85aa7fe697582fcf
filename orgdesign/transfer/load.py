"""Check an organisation file against the rules and apply it in one transaction, or report what it would do.

Import merges: a row whose code exists changes that record, a new code creates one, and
nothing absent from the file is deleted, except parts: when a parts sheet (duties, levels …)
is in the file, the parts of every owner it names become exactly the file's rows.
"""

from collections import Counter, defaultdict
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from orgdesign.audit import change_source, record_history_of
from orgdesign.bulk import insert_rows, refresh_statistics, update_column
from orgdesign.choices import ChangeSource
from orgdesign.transfer.layout import BY_NAME
from orgdesign.transfer.read import ImportRefused, Problem

ENTITY = {  # sheet: (app model label, key field, {column: model field}) for plain fields
    "units": ("departments.Department", "code",
              {"code": "code", "name": "name", "name_en": "name_en", "kind": "kind", "function": "function",
               "function_en": "function_en", "order": "order"}),
    "positions": ("positions.Position", "code",
                  {"code": "code", "title": "title", "title_en": "title_en", "grade": "grade",
                   "headcount": "headcount", "is_key": "is_key", "purpose": "purpose", "purpose_en": "purpose_en",
                   "order": "order"}),
    "employees": ("positions.Employee", "employee_no",
                  {"employee_no": "employee_no", "name": "name", "name_en": "name_en", "email": "email",
                   "start_date": "start_date", "active": "active"}),
    "indicators": ("appraisal.Indicator", "code",
                   {"code": "code", "name": "name", "name_en": "name_en", "dimension": "dimension", "kind": "kind",
                    "unit": "unit", "direction": "direction", "data_source": "data_source",
                    "measurement": "measurement", "description": "description",
                    "description_en": "description_en", "retired": "retired"}),
    "kpi_sets": ("appraisal.KpiSet", "code",
                 {"code": "code", "name": "name", "name_en": "name_en", "status": "status",
                  "results_weight": "results_weight", "ability_weight": "ability_weight",
                  "attitude_weight": "attitude_weight", "description": "description"}),
}  # fmt: skip
DEFAULTS = {"is_key": False, "active": True, "retired": False, "order": 0}
LINKS = {  # link columns per entity sheet and the stored code they are compared with
    "units": {"parent": "parent__code", "head": "head__code"},
    "positions": {"unit": "department__code", "reports_to": "reports_to__code"},
    "employees": {"position": "position__code"},
}
PARTS = {  # sheet: (model label, owner sheet, owner fk field, {column: model field})
    "unit_duties": ("departments.DepartmentDuty", "units", "department",
                    {"order": "order", "area": "area", "area_en": "area_en", "title": "title", "title_en": "title_en",
                     "text": "text", "text_en": "text_en"}),
    "mechanisms": ("departments.CollaborationMechanism", "units", "department",
                   {"order": "order", "kind": "kind", "name": "name", "name_en": "name_en",
                    "description": "description", "description_en": "description_en",
                    "participants": "participants", "frequency": "frequency"}),
    "duties": ("positions.Duty", "positions", "position",
               {"order": "order", "category": "category", "title": "title", "title_en": "title_en", "text": "text",
                "text_en": "text_en"}),
    "authorities": ("positions.Authority", "positions", "position",
                    {"order": "order", "text": "text", "text_en": "text_en"}),
    "standards": ("positions.WorkStandard", "positions", "position",
                  {"order": "order", "measure": "measure", "measure_en": "measure_en", "target": "target",
                   "unit": "unit"}),
    "indicator_levels": ("appraisal.IndicatorLevel", "indicators", "indicator",
                         {"level": "level", "points": "points", "description": "description",
                          "description_en": "description_en"}),
    "kpi_items": ("appraisal.KpiItem", "kpi_sets", "kpi_set",
                  {"order": "order", "weight": "weight", "target": "target"}),
}  # fmt: skip
CREATE, CHANGE, UNCHANGED, REFUSED = "create", "change", "unchanged", "refused"


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


def _norm(value):
    if isinstance(value, Decimal):
        return value.normalize()
    return "" if value is None else value


class Plan:
    """What importing the rows would do: an action per row, the problems, and what apply needs."""

    def __init__(self, data):
        self.data = data
        self.problems = []
        self.actions = defaultdict(dict)  # sheet -> {row number: action}
        self.existing = {}  # sheet -> {key: values dict from the database}

    def problem(self, sheet, row, column, message):
        self.problems.append(Problem(sheet, row, column, str(message)))
        if row:
            self.actions[sheet][row] = REFUSED

    def counts(self):
        result = {}
        for sheet in self.data:
            counter = Counter(self.actions[sheet].get(row["_row"], UNCHANGED) for row in self.data[sheet])
            result[sheet] = {k: counter.get(k, 0) for k in (CREATE, CHANGE, UNCHANGED, REFUSED)}
        return result

    def rows_with_actions(self):
        for sheet, rows in self.data.items():
            for row in rows:
                yield sheet, row["_row"], self.actions[sheet].get(row["_row"], UNCHANGED), row


def _field_problems(plan, sheet, row, instance, columns, exclude):
    """Run the model's own field rules (lengths, choices, number sizes) on one row."""
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        by_field = {field: column for column, field in columns.items()}
        for field, messages in error.message_dict.items():
            plan.problem(sheet, row["_row"], by_field.get(field, field), " ".join(messages))


def _value_problems(plan, sheet, row, model, values, by_field, exclude):
    """The same field rules as `_field_problems`, on plain values (parts are many: no object is built)."""
    for name, raw in values.items():
        if name in exclude:
            continue
        field = model._meta.get_field(name)
        if field.blank and raw in field.empty_values:
            continue
        try:
            field.clean(raw, None)
        except ValidationError as error:
            plan.problem(sheet, row["_row"], by_field.get(name, name), " ".join(error.messages))


def _row_rules(plan, sheet, row, instance, columns):
    """The model's own rules across fields of one row (for example a quantitative indicator's direction)."""
    try:
        instance.clean()
    except ValidationError as error:
        by_field = {field: column for column, field in columns.items()}
        for field, messages in (error.message_dict if hasattr(error, "error_dict") else {"": error.messages}).items():
            plan.problem(sheet, row["_row"], by_field.get(field, field) or None, " ".join(messages))


def _duplicates(plan, sheet, rows):
    key = BY_NAME[sheet].key
    seen = {}
    for row in rows:
        value = tuple(row.get(k) for k in key)
        if value in seen:
            plan.problem(sheet, row["_row"], key[-1], _("Repeats row %(row)s.") % {"row": seen[value]})
        else:
            seen[value] = row["_row"]


def make_plan(data, *, check_fields=True):
    """Check every row against the file and the database as they would be together.

    `check_fields=False` skips the per-row field rules (lengths, choices, number sizes), and
    only for rows made by the program itself (the generator, whose output a test checks in full).
    """
    plan = Plan(data)
    plan.check_fields = check_fields
    for sheet, rows in data.items():
        _duplicates(plan, sheet, rows)
    seen = {}
    for row in data.get("kpi_items", []):  # an indicator appears once in a set
        pair = (row.get("kpi_set"), row.get("indicator"))
        if pair in seen:
            plan.problem("kpi_items", row["_row"], "indicator", _("Repeats row %(row)s.") % {"row": seen[pair]})
        seen.setdefault(pair, row["_row"])

    # Entities: compare with what is stored, run field rules. Only the columns the file has are
    # written: a column left out of the file leaves that field as it is.
    for sheet, (label, key, columns) in ENTITY.items():
        rows = data.get(sheet, [])
        model = _model(label)
        stored = {}
        present = {column for row in rows for column in row}
        links = {column: lookup for column, lookup in LINKS.get(sheet, {}).items() if column in present}
        if rows:
            keys = [row.get(key) for row in rows]
            for values in model.objects.filter(**{f"{key}__among": keys}).values(
                "id", *columns.values(), *links.values()
            ):
                stored[values[key]] = values
        plan.existing[sheet] = stored
        for row in rows:
            fields = {field: row.get(column) for column, field in columns.items() if column in row}
            fields = {f: (DEFAULTS.get(f, "") if v is None and f in DEFAULTS else v) for f, v in fields.items()}
            for f, v in list(fields.items()):
                if v is None and model._meta.get_field(f).get_internal_type() in ("CharField", "TextField"):
                    fields[f] = ""
            row["_fields"] = fields
            if check_fields:
                before = stored.get(row.get(key), {})
                instance = model(**{**{f: v for f, v in before.items() if f in columns.values()}, **fields})
                fk_names = [f.name for f in model._meta.fields if f.is_relation]
                _field_problems(plan, sheet, row, instance, columns, exclude=[*fk_names, key, "revision"])
                if row["_row"] not in plan.actions[sheet]:
                    _row_rules(plan, sheet, row, instance, columns)
            if not row.get(key):
                continue
            old = stored.get(row[key])
            if row["_row"] in plan.actions[sheet]:
                continue
            if old is None:
                plan.actions[sheet][row["_row"]] = CREATE
            elif any(_norm(old[f]) != _norm(v) for f, v in fields.items()) or any(
                _norm(old[lookup]) != _norm(row.get(column)) for column, lookup in links.items()
            ):
                plan.actions[sheet][row["_row"]] = CHANGE

    _check_units_and_positions(plan)
    _check_employees(plan)
    _check_parts(plan)
    _check_kpi(plan)
    return plan


def _final_codes(plan, sheet, label, key="code"):
    """Every key the organisation would have after the import."""
    codes = set(_model(label).objects.values_list(key, flat=True))
    return codes | {row[key] for row in plan.data.get(sheet, []) if row.get(key)}


def _check_tree(plan, sheet, parents, column, message):
    """Refuse rows that would make the tree loop; `parents` is the final {code: parent code}."""
    for row in plan.data.get(sheet, []):
        seen, current = [row.get("code")], parents.get(row.get("code"))
        while current is not None:
            if current in seen:
                chain = " → ".join([*seen, current])
                plan.problem(sheet, row["_row"], column, message % {"chain": chain})
                break
            seen.append(current)
            current = parents.get(current)


def _check_units_and_positions(plan):
    from departments.models import Department
    from positions.models import Position

    unit_codes = _final_codes(plan, "units", "departments.Department")
    position_codes = _final_codes(plan, "positions", "positions.Position")
    unit_parent = dict(Department.objects.values_list("code", "parent__code"))
    position_parent = dict(Position.objects.values_list("code", "reports_to__code"))
    position_unit = dict(Position.objects.values_list("code", "department__code"))
    for row in plan.data.get("units", []):
        if row.get("parent") and row["parent"] not in unit_codes:
            plan.problem("units", row["_row"], "parent", _("There is no unit %(code)s.") % {"code": row["parent"]})
        unit_parent[row.get("code")] = row.get("parent")
    for row in plan.data.get("positions", []):
        if row.get("unit") and row["unit"] not in unit_codes:
            plan.problem("positions", row["_row"], "unit", _("There is no unit %(code)s.") % {"code": row["unit"]})
        if row.get("reports_to") and row["reports_to"] not in position_codes:
            plan.problem("positions", row["_row"], "reports_to",
                         _("There is no position %(code)s.") % {"code": row["reports_to"]})  # fmt: skip
        position_parent[row.get("code")] = row.get("reports_to")
        position_unit[row.get("code")] = row.get("unit")
    for row in plan.data.get("units", []):
        if row.get("head"):
            if row["head"] not in position_codes:
                plan.problem("units", row["_row"], "head", _("There is no position %(code)s.") % {"code": row["head"]})
            elif position_unit.get(row["head"]) != row.get("code"):
                plan.problem("units", row["_row"], "head",
                             _("%(position)s belongs to another unit; the heading position must belong to this unit.")
                             % {"position": row["head"]})  # fmt: skip
    # A unit's heading position must stay in the unit, whichever sheet would move it.
    file_units = {row.get("code") for row in plan.data.get("units", []) if "head" in row}
    position_rows = {row.get("code"): row for row in plan.data.get("positions", [])}
    for unit_code, head in (
        Department.objects.exclude(code__among=file_units).exclude(head=None).values_list("code", "head__code")
    ):
        row = position_rows.get(head)
        if row is not None and position_unit.get(head) != unit_code:
            plan.problem("positions", row["_row"], "unit",
                         _("%(position)s heads %(unit)s; give the unit another head before moving it.")
                         % {"position": head, "unit": unit_code})  # fmt: skip
    _check_tree(plan, "units", unit_parent, "parent", _("A unit cannot be placed below itself: %(chain)s."))
    _check_tree(plan, "positions", position_parent, "reports_to",
                _("A position cannot report to itself or to anyone below it: %(chain)s."))  # fmt: skip
    plan.position_unit = position_unit


def _check_employees(plan):
    from positions.models import Employee, Position

    rows = plan.data.get("employees", [])
    position_codes = _final_codes(plan, "positions", "positions.Position")
    holding = dict(Employee.objects.filter(active=True).values_list("employee_no", "position__code"))
    numbers = [row.get("employee_no") for row in rows]
    stored_position = dict(
        Employee.objects.filter(employee_no__among=numbers).values_list("employee_no", "position__code")
    )
    stored_active = dict(Employee.objects.filter(employee_no__among=numbers).values_list("employee_no", "active"))
    for row in rows:
        if row.get("position") and row["position"] not in position_codes:
            plan.problem("employees", row["_row"], "position",
                         _("There is no position %(code)s.") % {"code": row["position"]})  # fmt: skip
        number = row.get("employee_no")
        active = row.get("active") if row.get("active") is not None else True
        if "active" not in row and number in stored_active:
            active = stored_active[number]
        position = row.get("position") if "position" in row else stored_position.get(number)
        holding[number] = position if active else None
    planned = dict(Position.objects.values_list("code", "headcount"))
    planned.update(
        {
            row["code"]: row["headcount"]
            for row in plan.data.get("positions", [])
            if row.get("code") and "headcount" in row
        }
    )
    filled = Counter(code for code in holding.values() if code)
    over = {code for code, n in filled.items() if planned.get(code) is not None and n > planned[code]}
    for row in rows:
        if row.get("position") in over:
            plan.problem("employees", row["_row"], "position",
                         _("%(position)s is full: %(filled)s people for %(planned)s planned seats.")
                         % {"position": row["position"], "filled": filled[row["position"]],
                            "planned": planned[row["position"]]})  # fmt: skip
    for row in plan.data.get("positions", []):
        if row.get("code") in over and not any(r.get("position") == row["code"] for r in rows):
            plan.problem("positions", row["_row"], "headcount",
                         _("%(filled)s people hold this position; the planned headcount cannot be lower.")
                         % {"filled": filled[row["code"]]})  # fmt: skip


def _check_parts(plan):
    owner_codes = {
        "units": _final_codes(plan, "units", "departments.Department"),
        "positions": _final_codes(plan, "positions", "positions.Position"),
        "indicators": _final_codes(plan, "indicators", "appraisal.Indicator"),
        "kpi_sets": _final_codes(plan, "kpi_sets", "appraisal.KpiSet"),
    }
    for sheet, (label, owner_sheet, fk, columns) in PARTS.items():
        owner_column = BY_NAME[sheet].owner
        model = _model(label)
        by_field = {field: column for column, field in columns.items()}
        kinds = {f: model._meta.get_field(f).get_internal_type() for f in columns.values()}
        texts = [f for f, kind in kinds.items() if kind in ("CharField", "TextField")]
        for row in plan.data.get(sheet, []):
            if row.get(owner_column) not in owner_codes[owner_sheet]:
                plan.problem(sheet, row["_row"], owner_column,
                             _("There is no %(kind)s %(code)s.") % {"kind": owner_sheet.rstrip("s"),
                                                                    "code": row.get(owner_column)})  # fmt: skip
            values = {field: row.get(column) for column, field in columns.items()}
            for field in texts:
                if values[field] is None:
                    values[field] = ""
            row["_fields"] = values
            if plan.check_fields:
                _value_problems(plan, sheet, row, model, values, by_field, exclude={fk, "indicator", "duty"})
    _part_actions(plan)
    # A work standard's duty is a duty number of the same position.
    from positions.models import Duty

    duty_numbers = defaultdict(set)
    if "duties" in plan.data:
        for row in plan.data["duties"]:
            duty_numbers[row.get("position")].add(row.get("order"))
    listed = set(duty_numbers)
    for code, count in Counter(
        Duty.objects.exclude(position__code__among=listed).values_list("position__code", flat=True)
    ).items():
        duty_numbers[code] = set(range(1, count + 1))
    for row in plan.data.get("standards", []):
        if row.get("duty") is not None and row["duty"] not in duty_numbers.get(row.get("position"), set()):
            plan.problem("standards", row["_row"], "duty",
                         _("%(position)s has no duty number %(number)s.") % {"position": row.get("position"),
                                                                             "number": row["duty"]})  # fmt: skip
    for row in plan.data.get("kpi_items", []):
        if row.get("indicator") not in owner_codes["indicators"]:
            plan.problem("kpi_items", row["_row"], "indicator",
                         _("There is no indicator %(code)s.") % {"code": row.get("indicator")})  # fmt: skip
    for row in plan.data.get("kpi_set_positions", []):
        if row.get("kpi_set") not in owner_codes["kpi_sets"]:
            plan.problem("kpi_set_positions", row["_row"], "kpi_set",
                         _("There is no KPI set %(code)s.") % {"code": row.get("kpi_set")})  # fmt: skip
        if row.get("position") not in owner_codes["positions"]:
            plan.problem("kpi_set_positions", row["_row"], "position",
                         _("There is no position %(code)s.") % {"code": row.get("position")})  # fmt: skip


def _part_actions(plan):
    """Per part row: create (new owner or a longer list), change (differs from the stored part) or unchanged."""
    for sheet, (label, owner_sheet, fk, columns) in PARTS.items():
        rows = plan.data.get(sheet)
        if not rows:
            continue
        owner_column = BY_NAME[sheet].owner
        owner_model = _model(ENTITY[owner_sheet][0])
        owners = dict(
            owner_model.objects.filter(code__among={r.get(owner_column) for r in rows}).values_list("code", "id")
        )
        order_by = ["level"] if sheet == "indicator_levels" else ["order", "id"]
        stored = defaultdict(list)
        for values in (
            _model(label)
            .objects.filter(**{f"{fk}_id__among": owners.values()})
            .order_by(f"{fk}_id", *order_by)
            .values(f"{fk}_id", *columns.values())
        ):
            stored[values.pop(f"{fk}_id")].append(values)
        position_in_owner = Counter()
        for row in sorted(rows, key=lambda r: (r.get(owner_column) or "", r.get("order") or r.get("level") or 0)):
            if row["_row"] in plan.actions[sheet]:
                continue
            owner = row.get(owner_column)
            index = position_in_owner[owner]
            position_in_owner[owner] += 1
            existing = stored.get(owners.get(owner), [])
            if index >= len(existing):
                plan.actions[sheet][row["_row"]] = CREATE
            elif any(_norm(existing[index][f]) != _norm(row["_fields"].get(f)) for f in columns.values()):
                plan.actions[sheet][row["_row"]] = CHANGE


def _check_kpi(plan):
    """Active sets must add up, and a position is appraised on at most one active set (the final state)."""
    from appraisal.models import Indicator, KpiItem, KpiSet
    from appraisal.services import set_problems

    if not {"kpi_sets", "kpi_items", "kpi_set_positions", "indicators"} & set(plan.data):
        return
    sets = {s["code"]: s for s in KpiSet.objects.values("code", "name", "status", "results_weight",
                                                         "ability_weight", "attitude_weight")}  # fmt: skip
    set_row = {}
    for row in plan.data.get("kpi_sets", []):
        sets[row["code"]] = {**sets.get(row["code"], {}), **row["_fields"]}
        set_row[row["code"]] = row["_row"]
    indicators = {i["code"]: i for i in Indicator.objects.values("code", "name", "dimension", "kind", "retired")}
    for row in plan.data.get("indicators", []):
        indicators[row["code"]] = {**indicators.get(row["code"], {}), **row["_fields"]}
    items = defaultdict(list)
    if "kpi_items" in plan.data:
        listed = {row.get("kpi_set") for row in plan.data["kpi_items"]}
        for row in plan.data["kpi_items"]:
            items[row.get("kpi_set")].append({"indicator": row.get("indicator"), "weight": row.get("weight"),
                                              "target": row.get("target")})  # fmt: skip
    else:
        listed = set()
    for code, indicator, weight, target in KpiItem.objects.exclude(kpi_set__code__among=listed).values_list(
        "kpi_set__code", "indicator__code", "weight", "target"
    ):
        items[code].append({"indicator": indicator, "weight": weight, "target": target})
    members = defaultdict(set)
    listed_members = {row.get("kpi_set") for row in plan.data.get("kpi_set_positions", [])}
    for row in plan.data.get("kpi_set_positions", []):
        members[row.get("kpi_set")].add(row.get("position"))
    for code, position in KpiSet.positions.through.objects.exclude(kpiset__code__among=listed_members).values_list(
        "kpiset__code", "position__code"
    ):
        members[code].add(position)
    claimed = {}
    for code, values in sets.items():
        if values.get("status") != "active":
            continue
        probe = KpiSet(**{k: v for k, v in values.items() if k in ("name", "results_weight", "ability_weight",
                                                                     "attitude_weight")})  # fmt: skip
        plain = [
            {"dimension": indicators.get(i["indicator"], {}).get("dimension"),
             "kind": indicators.get(i["indicator"], {}).get("kind"),
             "retired": indicators.get(i["indicator"], {}).get("retired"),
             "indicator_name": indicators.get(i["indicator"], {}).get("name", i["indicator"]),
             "weight": i["weight"] or Decimal(0), "target": i["target"]}
            for i in items.get(code, [])
        ]  # fmt: skip
        for message in set_problems(probe, plain):
            plan.problem("kpi_sets", set_row.get(code), "status", message)
        for position in members.get(code, ()):
            if position in claimed and claimed[position] != code:
                sheet = "kpi_set_positions" if code in listed_members else "kpi_sets"
                plan.problem(sheet, set_row.get(code), "position",
                             _("%(position)s is already appraised on the active set %(set)s.")
                             % {"position": position, "set": claimed[position]})  # fmt: skip
            claimed.setdefault(position, code)


# --- applying ------------------------------------------------------------------------------------


def _upsert(plan, sheet, refs=None):
    """Create and change the sheet's entities in bulk; returns ({code: id}, created ids, changed ids)."""
    from django.db.models import F

    label, key, columns = ENTITY[sheet]
    model = _model(label)
    rows = [row for row in plan.data.get(sheet, []) if plan.actions[sheet].get(row["_row"]) in (CREATE, CHANGE)]
    stored = plan.existing.get(sheet, {})
    new = []
    for row in rows:
        if plan.actions[sheet][row["_row"]] == CREATE:
            fields = {_attname(model, name): value for name, value in row["_fields"].items()}
            for field, resolve in (refs or {}).items():
                fields[field] = resolve(row)
            new.append(fields)
    insert_rows(model, new)
    changed = []
    for row in rows:
        if plan.actions[sheet][row["_row"]] == CHANGE:
            obj = model(id=stored[row[key]]["id"], **row["_fields"])
            changed.append(obj)
    if changed:
        names = sorted({name for row in rows for name in row["_fields"]} - {key})
        if names:
            model.objects.bulk_update(changed, names, batch_size=1000)
        if hasattr(model, "revision"):
            model.objects.filter(pk__among=[o.pk for o in changed]).update(revision=F("revision") + 1)
    ids = dict(
        model.objects.filter(**{f"{key}__among": [r[key] for r in plan.data.get(sheet, [])]}).values_list(key, "id")
    )
    return ids, [ids[fields[key]] for fields in new], [o.pk for o in changed]


def _set_links(model, sheet_rows, key_ids, column, field, target_ids, present):
    """Set a link column (a unit's parent, a position's superior …) on the rows that have it; ids that changed."""
    if column not in present:
        return []
    current = dict(model.objects.filter(pk__among=key_ids.values()).values_list("id", f"{field}_id"))
    changed = []
    for row in sheet_rows:
        obj_id = key_ids.get(row.get("code"))
        wanted = target_ids.get(row.get(column)) if row.get(column) else None
        if obj_id is not None and current.get(obj_id) != wanted:
            changed.append(model(id=obj_id, **{f"{field}_id": wanted}))
    update_column(model, field, {o.pk: getattr(o, f"{field}_id") for o in changed})
    return [o.pk for o in changed]


def _recompute_unit_paths():
    from departments.models import Department

    parent = dict(Department.objects.values_list("id", "parent_id"))
    stored = {i: (p, d) for i, p, d in Department.objects.values_list("id", "path", "depth")}
    paths = {}

    def path_of(unit_id):
        if unit_id not in paths:
            chain, current = [], unit_id
            while current is not None and current not in paths:
                chain.append(current)
                current = parent.get(current)
            prefix = paths[current] if current is not None else "/"
            for node in reversed(chain):
                prefix = f"{prefix}{node}/"
                paths[node] = prefix
        return paths[unit_id]

    changed = []
    for unit_id in parent:
        path = path_of(unit_id)
        depth = path.count("/") - 2
        if stored[unit_id] != (path, depth):
            changed.append(Department(id=unit_id, path=path, depth=depth))
    update_column(Department, "path", {unit.pk: unit.path for unit in changed})
    update_column(Department, "depth", {unit.pk: unit.depth for unit in changed})


def _replace_parts(plan, sheet, owner_ids, resolve=None):
    """Make each named owner's parts exactly the file's rows; returns the owner codes whose parts changed."""
    label, _owner_sheet, fk, columns = PARTS[sheet]
    model = _model(label)
    owner_column = BY_NAME[sheet].owner
    wanted = defaultdict(list)
    for row in sorted(plan.data.get(sheet, []), key=lambda r: (r.get(owner_column), r.get("order") or r.get("level"))):
        values = dict(row["_fields"])
        if resolve:
            values.update(resolve(row))
        wanted[row[owner_column]].append(values)
    if not wanted:
        return set()
    compare = [*columns.values(), *(resolve.fields if resolve else [])]
    stored = defaultdict(list)
    order_by = ["level"] if sheet == "indicator_levels" else ["order", "id"]
    for values in (
        model.objects.filter(**{f"{fk}_id__among": [owner_ids[c] for c in wanted]})
        .order_by(f"{fk}_id", *order_by)
        .values(f"{fk}_id", *compare)
    ):
        stored[values.pop(f"{fk}_id")].append(values)
    changed = set()
    delete_for, create = [], []
    for code, items in wanted.items():
        owner_id = owner_ids[code]
        as_stored = [{k: _norm(v) for k, v in i.items()} for i in stored.get(owner_id, [])]
        if not as_stored or as_stored != [{k: _norm(i.get(k)) for k in compare} for i in items]:
            changed.add(code)
            if as_stored:
                delete_for.append(owner_id)
            create += [{f"{fk}_id": owner_id, **{k: i.get(k) for k in compare}} for i in items]
    for start in range(0, len(delete_for), 500):
        model.objects.filter(**{f"{fk}_id__among": delete_for[start : start + 500]}).delete()
    names = {name: _attname(model, name) for name in (f"{fk}_id", *compare)}
    insert_rows(model, [{names[k]: v for k, v in row.items()} for row in create])
    if hasattr(model, "history"):
        owners = {owner_ids[code] for code in changed}
        record_history_of(model, owners, update=False, column=model._meta.get_field(fk).column)
    return changed


def _attname(model, name):
    return model._meta.get_field(name).attname if not name.endswith("_id") else name


def _duty_numbers(position_ids):
    from positions.models import Duty

    numbers, counters = {}, Counter()
    for duty_id, position_id in (
        Duty.objects.filter(position_id__among=position_ids)
        .order_by("position_id", "order", "id")
        .values_list("id", "position_id")
    ):
        counters[position_id] += 1
        numbers[duty_id] = (position_id, counters[position_id])
    return numbers


def _duty_links_before(data, all_positions):
    """When duties are replaced but standards are not in the file, remember which duty number each standard measured."""
    from positions.models import WorkStandard

    if "duties" not in data or "standards" in data:
        return {}
    position_ids = {all_positions[row["position"]] for row in data["duties"] if row.get("position") in all_positions}
    numbers = _duty_numbers(position_ids)
    links = WorkStandard.objects.filter(position_id__among=position_ids, duty__isnull=False).values_list(
        "id", "duty_id"
    )
    return {standard_id: numbers[duty_id] for standard_id, duty_id in links if duty_id in numbers}


def _duty_links_after(relink):
    """Point those standards at the duty with the same number in the new list (none if the list is shorter)."""
    from positions.models import WorkStandard

    if not relink:
        return
    by_number = {number: duty_id for duty_id, number in _duty_numbers({p for p, _n in relink.values()}).items()}
    standards = [WorkStandard(id=sid, duty_id=by_number.get(number)) for sid, number in relink.items()]
    WorkStandard.objects.bulk_update(standards, ["duty"], batch_size=1000)


class _Resolver:
    def __init__(self, fields, function):
        self.fields, self.function = fields, function

    def __call__(self, row):
        return self.function(row)


def _publish(position_ids, user):
    """Record the description of these positions as their next version where it changed (in bulk)."""
    from positions.models import DescriptionVersion
    from positions.selectors import description_snapshots

    ids = sorted(position_ids)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        previous = {}  # position id: (number, snapshot) of its latest version
        for position_id, number, snapshot in (
            DescriptionVersion.objects.filter(position_id__among=chunk)
            .order_by("position_id", "-number")
            .values_list("position_id", "number", "snapshot")
        ):
            previous.setdefault(position_id, (number, snapshot))
        versions = []
        snapshots = description_snapshots(chunk)
        for position_id, snapshot in sorted(snapshots.items()):
            number, last = previous.get(position_id, (0, None))
            if last != snapshot:
                versions.append({"position_id": position_id, "number": number + 1, "snapshot": snapshot,
                                 "author_id": getattr(user, "pk", None), "source": ChangeSource.IMPORT})  # fmt: skip
        insert_rows(DescriptionVersion, versions)


def _history(label, created, changed, user):
    model = _model(label)
    record_history_of(model, created, update=False, user=user)
    record_history_of(model, changed, update=True, user=user)


def apply(plan, *, user=None, progress=None):
    """Apply a plan with no problems in one transaction; returns the counts per sheet."""
    if plan.problems:
        raise ImportRefused(plan.problems)
    progress = progress or (lambda step, done, total: None)
    steps = 9
    data = plan.data
    present = {sheet: {k for row in rows for k in row} for sheet, rows in data.items()}
    with transaction.atomic(), change_source(ChangeSource.IMPORT):
        from departments.models import Department
        from positions.models import Employee, Position

        progress(_("units"), 0, steps)
        unit_ids, units_new, units_changed = _upsert(plan, "units")
        all_units = dict(Department.objects.values_list("code", "id"))
        units_changed += _set_links(Department, data.get("units", []), unit_ids, "parent", "parent", all_units,
                                    present.get("units", set()))  # fmt: skip
        _recompute_unit_paths()

        progress(_("positions"), 1, steps)
        old_superiors = set(
            Position.objects.filter(code__among=[r.get("code") for r in data.get("positions", [])])
            .exclude(reports_to=None)
            .values_list("reports_to_id", flat=True)
        )
        position_ids, positions_new, positions_changed = _upsert(
            plan, "positions", refs={"department_id": lambda row: all_units.get(row.get("unit"))}
        )
        changed_units = [
            Position(id=position_ids[row["code"]], department_id=all_units[row["unit"]])
            for row in data.get("positions", [])
            if plan.actions["positions"].get(row["_row"]) == CHANGE
        ]
        update_column(Position, "department", {p.pk: p.department_id for p in changed_units})
        all_positions = dict(Position.objects.values_list("code", "id"))
        positions_changed += _set_links(Position, data.get("positions", []), position_ids, "reports_to",
                                        "reports_to", all_positions, present.get("positions", set()))  # fmt: skip
        units_changed += _set_links(Department, data.get("units", []), unit_ids, "head", "head", all_positions,
                                    present.get("units", set()))  # fmt: skip

        progress(_("indicators and KPI sets"), 2, steps)
        indicator_ids, indicators_new, indicators_changed = _upsert(plan, "indicators")
        set_ids, sets_new, sets_changed = _upsert(plan, "kpi_sets")
        all_indicators = dict(_model("appraisal.Indicator").objects.values_list("code", "id"))
        all_sets = dict(_model("appraisal.KpiSet").objects.values_list("code", "id"))

        progress(_("description parts"), 3, steps)
        relink = _duty_links_before(data, all_positions)
        described = set()
        for sheet in ("unit_duties", "mechanisms"):
            _replace_parts(plan, sheet, all_units)
        described |= _replace_parts(plan, "duties", all_positions)
        _duty_links_after(relink)
        described |= _replace_parts(plan, "authorities", all_positions)
        duty_ids = {}
        if "standards" in data:
            from positions.models import Duty

            owners = [all_positions[c] for c in {r["position"] for r in data["standards"]}]
            counters = Counter()
            for duty_id, position_code in (
                Duty.objects.filter(position_id__among=owners)
                .order_by("position_id", "order", "id")
                .values_list("id", "position__code")
            ):
                counters[position_code] += 1
                duty_ids[(position_code, counters[position_code])] = duty_id
        described |= _replace_parts(plan, "standards", all_positions, _Resolver(
            ["duty_id"], lambda row: {"duty_id": duty_ids.get((row["position"], row.get("duty")))}))  # fmt: skip
        if "duties" in data and "standards" not in data:
            described |= {row["position"] for row in data["duties"]}

        progress(_("indicator levels and KPI items"), 4, steps)
        _replace_parts(plan, "indicator_levels", all_indicators)
        _replace_parts(plan, "kpi_items", all_sets, _Resolver(
            ["indicator_id"], lambda row: {"indicator_id": all_indicators.get(row["indicator"])}))  # fmt: skip
        if "kpi_set_positions" in data:
            through = _model("appraisal.KpiSet").positions.through
            wanted = defaultdict(set)
            for row in data["kpi_set_positions"]:
                wanted[all_sets[row["kpi_set"]]].add(all_positions[row["position"]])
            stored = defaultdict(set)
            for set_id, position_id in through.objects.filter(kpiset_id__among=wanted).values_list(
                "kpiset_id", "position_id"
            ):
                stored[set_id].add(position_id)
            for set_id, members in wanted.items():
                if stored.get(set_id, set()) != members:
                    through.objects.filter(kpiset_id=set_id).delete()
                    through.objects.bulk_create([through(kpiset_id=set_id, position_id=p) for p in members])

        progress(_("employees"), 5, steps)
        employee_ids, employees_new, employees_changed = _upsert(
            plan, "employees", refs={"position_id": lambda row: all_positions.get(row.get("position"))}
        )
        moved = []
        if "position" in present.get("employees", set()):
            current = dict(Employee.objects.filter(pk__among=employee_ids.values()).values_list("id", "position_id"))
            for row in data.get("employees", []):
                wanted = all_positions.get(row.get("position")) if row.get("position") else None
                if current.get(employee_ids[row["employee_no"]]) != wanted:
                    moved.append(Employee(id=employee_ids[row["employee_no"]], position_id=wanted))
            update_column(Employee, "position", {e.pk: e.position_id for e in moved})

        progress(_("history"), 6, steps)
        _history("departments.Department", units_new, sorted(set(units_changed) - set(units_new)), user)
        _history("positions.Position", positions_new, sorted(set(positions_changed) - set(positions_new)), user)
        _history("appraisal.Indicator", indicators_new, indicators_changed, user)
        _history("appraisal.KpiSet", sets_new, sets_changed, user)
        employees_touched = set(employees_changed) | {e.pk for e in moved}
        _history("positions.Employee", employees_new, sorted(employees_touched - set(employees_new)), user)

        progress(_("description versions"), 7, steps)
        to_publish = set(positions_new) | set(positions_changed) | {all_positions[c] for c in described}
        _publish(to_publish, user)

        progress(_("roles and reviewers"), 8, steps)
        people = [
            SimpleNamespace(pk=pk, position_id=position_id)  # what follow_organisation reads, without model objects
            for pk, position_id in Employee.objects.filter(pk__among=set(employees_new) | employees_touched)
            .values_list("id", "position_id")
        ]  # fmt: skip
        if people or positions_changed:
            from orgdesign import grants

            positions = [SimpleNamespace(pk=pk) for pk in set(positions_changed) | old_superiors]
            grants.follow_organisation(employees=people, positions=positions)
        if sum(len(rows) for rows in data.values()) > 5000:
            refresh_statistics(
                [_model(label) for label, *_rest in [*ENTITY.values(), *PARTS.values()]]
                + [_model("positions.DescriptionVersion")]
            )
        progress(_("done"), 9, steps)
    return plan.counts()
