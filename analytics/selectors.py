"""Reads of the organisation-design analyses (see `analytics.overlap` for how duties are compared)."""

import threading
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Max

from analytics.overlap import clauses, similar_pairs
from analytics.structure import headcount, spans_and_layers
from departments.models import Department
from departments.selectors import tree_order
from orgdesign import access
from positions.models import Duty, Employee, Position

LOWEST_SIMILARITY = 0.5  # the analysis is kept down to here; a request picks its own threshold above it
DEFAULT_SIMILARITY = 0.7
COMMON_SHARE, COMMON_FLOOR = 0.01, 10  # a clause in more duties than this is boilerplate, not a duty
LISTED_DUTIES = 20  # duties listed per finding (all are counted)


@dataclass
class _Analysis:
    version: tuple
    texts: list  # distinct clauses
    holders: list  # per clause: the ids of the duties that say it
    position_of: dict  # duty id → position id
    pairs: list  # (clause, clause, similarity), most similar first
    common: int  # clauses left out as boilerplate


_latest = None
_lock = threading.Lock()


def _version():
    """Changes whenever any duty is written: every write of a duty records a history row."""
    duties = Duty.objects.aggregate(n=Count("id"), last=Max("id"))
    return duties["n"], duties["last"], Duty.history.aggregate(last=Max("history_id"))["last"]


def _analysis():
    """The comparison of every duty of the organisation, computed once per state of the duties."""
    global _latest
    version = _version()
    with _lock:
        if _latest is not None and _latest.version == version:
            return _latest
        holders, position_of = defaultdict(list), {}
        rows = Duty.objects.order_by("id").values_list("id", "position_id", "title", "text")
        for duty_id, position_id, title, text in rows.iterator(chunk_size=5000):
            position_of[duty_id] = position_id
            for clause in dict.fromkeys([*clauses(title), *clauses(text)]):
                holders[clause].append(duty_id)
        limit = max(COMMON_FLOOR, COMMON_SHARE * len(position_of))
        texts = [text for text, duties in holders.items() if len(duties) <= limit]
        _latest = _Analysis(
            version=version, texts=texts, holders=[holders[text] for text in texts], position_of=position_of,
            pairs=similar_pairs(texts, LOWEST_SIMILARITY), common=len(holders) - len(texts),
        )  # fmt: skip
        return _latest


def forget():
    """Drop the kept analysis (the next request computes it again)."""
    global _latest
    _latest = None


def positions_in_scope(user, unit=None):
    """The positions `user` may see, within `unit` and the units below it when given."""
    positions = access.visible(user, Position.objects.all())
    if unit is not None:
        positions = positions.filter(department__path__startswith=unit.path)
    return positions


def duty_overlap(positions, *, min_similarity=DEFAULT_SIMILARITY, across_units=False):
    """Duties of different positions among `positions` that say nearly the same thing, most similar first.

    Each finding: {similarity, clauses: [the clause, or the two similar clauses], duties: [up to
    20 {id, text, position, position_code, position_title, unit, unit_name}], duty_count,
    position_count, unit_count}. The same clause in several positions is a finding of similarity 1.
    `across_units` keeps the findings whose positions are in two units or more (who owns what
    between units, rather than between a manager and their own team).
    Returns (findings, clauses left out as boilerplate).
    """
    analysis = _analysis()
    unit_of = dict(positions.values_list("id", "department_id"))  # read now: positions move without a duty write
    position_of = analysis.position_of

    def held(clause):
        return [duty for duty in analysis.holders[clause] if position_of[duty] in unit_of]

    found = []
    for clause in range(len(analysis.texts)):
        duties = held(clause)
        if len({position_of[duty] for duty in duties}) >= 2:
            found.append((1.0, (clause,), duties))
    for first, second, similarity in analysis.pairs:
        if similarity < min_similarity:
            break
        one, other = held(first), held(second)
        one_positions, other_positions = {position_of[d] for d in one}, {position_of[d] for d in other}
        if one_positions and other_positions and not (len(one_positions) == 1 and one_positions == other_positions):
            found.append((similarity, (first, second), list(dict.fromkeys(one + other))))
    found.sort(key=lambda item: (-item[0], -len({position_of[d] for d in item[2]}), item[1]))
    results = []
    for similarity, pair, duties in found:
        holders = {position_of[d] for d in duties}
        units = len({unit_of[p] for p in holders})
        if across_units and units < 2:
            continue
        results.append({
            "similarity": round(similarity, 3), "clauses": [analysis.texts[c] for c in pair], "duty_ids": duties,
            "position_count": len(holders), "unit_count": units,
        })  # fmt: skip
    return results, analysis.common


def describe_duties(findings):
    """Fill in `duties` (the first 20 of each finding, with their positions and units) and `duty_count`."""
    wanted = {duty for finding in findings for duty in finding["duty_ids"][:LISTED_DUTIES]}
    rows = {
        row["id"]: row
        for row in Duty.objects.filter(id__among=wanted).values(
            "id",
            "text",
            "position",
            position_code=F("position__code"),
            position_title=F("position__title"),
            unit=F("position__department"),
            unit_name=F("position__department__name"),
        )  # fmt: skip
    }
    for finding in findings:
        ids = finding.pop("duty_ids")
        finding["duty_count"] = len(ids)
        finding["duties"] = [rows[duty] for duty in ids[:LISTED_DUTIES] if duty in rows]
    return findings


def structure_rows(positions):
    """The rows `analytics.structure` reads for `positions`: two queries whatever their number."""
    filled = dict(
        Employee.objects.filter(active=True, position__in=positions.values("id"))
        .order_by()
        .values("position")
        .annotate(n=Count("id"))
        .values_list("position", "n")
    )
    fields = ("id", "code", "title", "reports_to", "grade", "headcount")
    rows = list(positions.values(*fields, unit=F("department"), unit_name=F("department__name")))
    for row in rows:
        row["filled"] = filled.get(row["id"], 0)
    return rows


def units_in_scope(user, unit=None):
    """The units `user` may see, within `unit` and the units below it when given, in tree order."""
    units = access.visible(user, Department.objects.all())
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    return units


def structure_spans_and_layers(user, unit=None):
    """Spans and layers of what `user` may see within `unit` (see `analytics.structure.spans_and_layers`)."""
    return spans_and_layers(structure_rows(positions_in_scope(user, unit)))


def structure_headcount(user, unit=None):
    """Planned, filled and vacant seats of what `user` may see within `unit` (see `analytics.structure.headcount`)."""
    units = tree_order(units_in_scope(user, unit).values("id", "code", "name", "path", "depth", "parent", "order"))
    return headcount(units, structure_rows(positions_in_scope(user, unit)))
