"""Reads of positions and their descriptions that more than one interface needs."""

from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest

from orgdesign.prepared import PreparedRead
from positions.models import Authority, DescriptionVersion, Duty, Employee, Position, WorkStandard


def description_snapshot(position, *, with_ids=False):
    """The published description as plain data: what a `DescriptionVersion` stores.

    `with_ids` adds each part's id (what a draft keeps, so approval changes parts in place).
    """
    duties = list(position.duties.all())
    duty_index = {duty.pk: index for index, duty in enumerate(duties)}

    def part(obj, values):
        return {"id": obj.pk, **values} if with_ids else values

    return {
        "code": position.code,
        "title": position.title,
        "title_en": position.title_en,
        "department": position.department.code,
        "reports_to": position.reports_to.code if position.reports_to_id else None,
        "grade": position.grade,
        "headcount": position.headcount,
        "is_key": position.is_key,
        "purpose": position.purpose,
        "purpose_en": position.purpose_en,
        "duties": [
            part(
                d,
                {
                    "category": d.category,
                    "title": d.title,
                    "title_en": d.title_en,
                    "text": d.text,
                    "text_en": d.text_en,
                },
            )
            for d in duties
        ],  # fmt: skip
        "authorities": [part(a, {"text": a.text, "text_en": a.text_en}) for a in position.authorities.all()],
        "standards": [
            part(
                s,
                {
                    "measure": s.measure,
                    "measure_en": s.measure_en,
                    "target": None if s.target is None else format(s.target.normalize(), "f"),
                    "unit": s.unit,
                    "duty": duty_index.get(s.duty_id),
                },
            )
            for s in position.standards.all()
        ],
    }


def description_snapshots(position_ids):
    """{position id: its `description_snapshot`} for many positions at once, from four `values()` queries."""
    snapshots, duty_index = {}, {}
    for row in (
        Position.objects.filter(pk__among=position_ids)
        .values(
            "id",
            "code",
            "title",
            "title_en",
            "department__code",
            "reports_to__code",
            "grade",
            "headcount",
            "is_key",
            "purpose",
            "purpose_en",
        )  # fmt: skip
        .order_by()
    ):
        snapshots[row["id"]] = {
            "code": row["code"], "title": row["title"], "title_en": row["title_en"],
            "department": row["department__code"], "reports_to": row["reports_to__code"], "grade": row["grade"],
            "headcount": row["headcount"], "is_key": row["is_key"], "purpose": row["purpose"],
            "purpose_en": row["purpose_en"], "duties": [], "authorities": [], "standards": [],
        }  # fmt: skip
    ids = list(snapshots)
    duties = Duty.objects.filter(position_id__among=ids).order_by("position_id", "order", "id")
    for duty in duties.values("id", "position_id", "category", "title", "title_en", "text", "text_en"):
        owner = snapshots[duty.pop("position_id")]["duties"]
        duty_index[duty.pop("id")] = len(owner)
        owner.append(duty)
    authorities = Authority.objects.filter(position_id__among=ids).order_by("position_id", "order", "id")
    for authority in authorities.values("position_id", "text", "text_en"):
        snapshots[authority.pop("position_id")]["authorities"].append(authority)
    standards = WorkStandard.objects.filter(position_id__among=ids).order_by("position_id", "order", "id")
    for standard in standards.values("position_id", "measure", "measure_en", "target", "unit", "duty_id"):
        target = standard["target"]
        snapshots[standard["position_id"]]["standards"].append({
            "measure": standard["measure"], "measure_en": standard["measure_en"],
            "target": None if target is None else format(target.normalize(), "f"), "unit": standard["unit"],
            "duty": duty_index.get(standard["duty_id"]),
        })  # fmt: skip
    return snapshots


def position_list_with_headcount():
    """Positions annotated with `filled` (active holders) and `vacant` (planned minus filled)."""
    return Position.objects.select_related("department", "reports_to").annotate(
        filled=Count("holders", filter=Q(holders__active=True))
    )


POSITION_ROW_FIELDS = (
    "id", "code", "title", "title_en", "department", "reports_to", "grade", "headcount", "is_key",
    "purpose", "purpose_en", "order", "revision", "created", "updated",
)  # fmt: skip


def _count_subquery(queryset, field):
    return Coalesce(
        Subquery(queryset.values(field).annotate(n=Count("*")).values("n")[:1], output_field=IntegerField()), 0
    )


def position_rows(queryset):
    """A `values()` queryset of positions' flat fields with `filled`, `vacant` and `version`.

    Counts come from correlated subqueries, so they stay right whatever else is joined.
    """
    filled = _count_subquery(Employee.objects.filter(position=OuterRef("pk"), active=True), "position")
    version = Subquery(
        DescriptionVersion.objects.filter(position=OuterRef("pk")).order_by("-number").values("number")[:1]
    )
    return queryset.annotate(filled=filled, version=version).values(*POSITION_ROW_FIELDS, "filled", "version")


def seat_counts(positions):
    """Planned, filled and vacant seats of `positions`, in one query.

    Filled counts every active holder, whoever may see them; vacant is summed per position,
    so an overfilled position does not hide another one's empty seat.
    """
    holders = _count_subquery(Employee.objects.filter(position=OuterRef("pk"), active=True), "position")
    return positions.annotate(holders_now=holders).aggregate(
        planned=Sum("headcount", default=0),
        filled=Sum("holders_now", default=0),
        vacant=Sum(Greatest(F("headcount") - F("holders_now"), 0), default=0),
    )


PART_FIELDS = {
    Duty: ("id", "position_id", "category", "title", "title_en", "text", "text_en", "order"),
    Authority: ("id", "position_id", "text", "text_en", "order"),
    WorkStandard: ("id", "position_id", "measure", "measure_en", "target", "unit", "duty", "order"),
}


def _parts(model):
    """A `values()` queryset of one kind of description part, in the order of the description."""
    return model.objects.order_by("position_id", "order", "id").values(*PART_FIELDS[model])


# The parts of a page or a detail: the same three queries on every request, compiled once.
_PART_READS = {
    model: PreparedRead(lambda ids, model=model: _parts(model).filter(position_id__among=ids))
    for model in (Duty, Authority, WorkStandard)
}


def position_chunk(queryset, after, size):
    """Up to `size` positions of `queryset` with ids above `after`, as complete as in the list.

    For reading a whole organisation in id order: counts and parts are read for the range of
    ids the chunk covers (index range scans and two small aggregates), not id by id.
    """
    rows = list(queryset.filter(id__gt=after).order_by("id").values(*POSITION_ROW_FIELDS)[:size])
    if not rows:
        return rows
    between = {"position_id__gt": after, "position_id__lte": rows[-1]["id"]}
    filled = dict(
        Employee.objects.filter(active=True, **between).values("position_id").annotate(n=Count("id"))
        .values_list("position_id", "n").order_by()
    )  # fmt: skip
    versions = dict(
        DescriptionVersion.objects.filter(**between).values("position_id").annotate(n=Max("number"))
        .values_list("position_id", "n").order_by()
    )  # fmt: skip
    for row in rows:
        row["filled"], row["version"] = filled.get(row["id"], 0), versions.get(row["id"])
    return attach_description_parts(rows, between=between)


def attach_description_parts(rows, *, between=None):
    """Add `duties`, `authorities` and `standards` to position rows: three queries per call.

    `between` ({"position_id__gt": …, "position_id__lte": …}) reads the parts of a range of
    positions instead of a list of them (rows outside `rows` are skipped).
    """
    by_id = {}
    for row in rows:
        row["vacant"] = max(row["headcount"] - row["filled"], 0)
        row["duties"], row["authorities"], row["standards"] = [], [], []
        by_id[row["id"]] = row
    if not by_id:
        return rows
    if between is None:
        duties, authorities, standards = (_PART_READS[model](by_id) for model in (Duty, Authority, WorkStandard))
    else:
        duties, authorities, standards = (_parts(model).filter(**between) for model in (Duty, Authority, WorkStandard))
    duty_index = {}
    for duty in duties:
        owner = by_id.get(duty.pop("position_id"))
        if owner is not None:
            duty_index[duty["id"]] = len(owner["duties"])
            owner["duties"].append(duty)
    for authority in authorities:
        owner = by_id.get(authority.pop("position_id"))
        if owner is not None:
            owner["authorities"].append(authority)
    for standard in standards:
        owner = by_id.get(standard.pop("position_id"))
        if owner is not None:
            standard["duty_index"] = duty_index.get(standard["duty"])
            owner["standards"].append(standard)
    return rows


def _snapshot_lines(snapshot):
    """A snapshot as labelled lines per part, the unit of comparison between versions."""
    basic = [f"{name}: {snapshot.get(name)}" for name in
             ("code", "title", "title_en", "department", "reports_to", "grade", "headcount", "is_key")]  # fmt: skip
    basic += [f"purpose: {snapshot.get('purpose', '')}", f"purpose_en: {snapshot.get('purpose_en', '')}"]
    duties = [
        f"[{d['category']}] {d['title'] + ' — ' if d['title'] else ''}{d['text']}" for d in snapshot.get("duties", [])
    ]
    authorities = [a["text"] for a in snapshot.get("authorities", [])]
    standards = [
        f"{s['measure']}: {s['target'] if s['target'] is not None else '—'} {s['unit']}".rstrip()
        for s in snapshot.get("standards", [])
    ]
    return {"basic": basic, "duties": duties, "authorities": authorities, "standards": standards}


def description_diff(old, new):
    """Compare two snapshots part by part: rows of {op: equal/added/removed/changed, old, new}."""
    import difflib
    from itertools import zip_longest

    before, after = _snapshot_lines(old), _snapshot_lines(new)
    result = {}
    for part in before:
        a, b = before[part], after[part]
        rows = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if tag == "equal":
                rows += [{"op": "equal", "old": x, "new": y} for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
            elif tag == "delete":
                rows += [{"op": "removed", "old": x, "new": None} for x in a[i1:i2]]
            elif tag == "insert":
                rows += [{"op": "added", "old": None, "new": y} for y in b[j1:j2]]
            else:
                for x, y in zip_longest(a[i1:i2], b[j1:j2]):
                    op = "changed" if x is not None and y is not None else ("removed" if y is None else "added")
                    rows.append({"op": op, "old": x, "new": y})
        result[part] = rows
    return result


def draft_snapshot(published, content):
    """A version snapshot as it would read if draft `content` were approved now."""
    snapshot = dict(published)
    snapshot["purpose"] = content.get("purpose", "")
    snapshot["purpose_en"] = content.get("purpose_en", "")
    snapshot["duties"] = [{k: v for k, v in d.items() if k != "id"} for d in content.get("duties", [])]
    snapshot["authorities"] = [{k: v for k, v in a.items() if k != "id"} for a in content.get("authorities", [])]
    snapshot["standards"] = [
        {**{k: v for k, v in s.items() if k not in ("id", "duty_index")}, "duty": s.get("duty_index")}
        for s in content.get("standards", [])
    ]
    return snapshot


def draft_content_at(draft, revision):
    """The draft's content as it was saved at `revision` (from its history), or None if unknown."""
    record = draft.history.filter(revision=revision).order_by("-history_date").first()
    return record.content if record is not None else None


def readable_description(snapshot):
    """A snapshot arranged for reading: duties grouped by category, standards naming their duty.

    Used by the position and version pages and the Word export, so all three read alike.
    """
    from positions.choices import DutyCategory

    duties = snapshot.get("duties", [])
    numbered = [{**duty, "number": index + 1} for index, duty in enumerate(duties)]
    groups = []
    for category, label in DutyCategory.choices:
        items = [duty for duty in numbered if duty.get("category") == category]
        if items:
            groups.append({"category": category, "label": label, "duties": items})
    standards = []
    for standard in snapshot.get("standards", []):
        duty = (
            numbered[standard["duty"]]
            if standard.get("duty") is not None and standard["duty"] < len(numbered)
            else None
        )
        standards.append({**standard, "duty_ref": duty})
    return {**snapshot, "duty_groups": groups, "standards": standards, "duty_count": len(duties)}


def draft_editor_ids(draft):
    """Everyone who saved `draft`: its author and every user in its history. None of them may approve it."""
    users = set(draft.history.exclude(history_user=None).values_list("history_user_id", flat=True))
    return users | ({draft.author_id} if draft.author_id else set())
