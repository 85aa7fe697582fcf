"""Spans, layers and headcount of an organisation, computed from plain rows (see docs/analytics.md).

Position rows: {id, code, title, unit, unit_name, reports_to, grade, headcount, filled}, where
`filled` is the number of active people holding the position. Unit rows: {id, code, name, path,
depth}, in tree order. A superior that is not among the rows makes its position a root.
"""

import statistics
from collections import defaultdict

# (lowest, highest or None, label): spans of control by direct-report positions
SPAN_BANDS = ((1, 1, "1"), (2, 3, "2–3"), (4, 7, "4–7"), (8, 12, "8–12"), (13, None, "13+"))
POSITION_FIELDS = ("id", "code", "title", "unit", "unit_name")


def span_band(span):
    """The label of the band a span of control falls in."""
    for lowest, highest, label in SPAN_BANDS:
        if span >= lowest and (highest is None or span <= highest):
            return label
    raise ValueError(f"A span of control is at least 1, not {span}.")


def _average(values):
    return (round(statistics.fmean(values), 2), statistics.median(values)) if values else (None, None)


def spans_and_layers(positions):
    """Layers of the reporting line, each manager's span, span bands, single-report managers, grade compression."""
    by_id = {row["id"]: row for row in positions}
    reports = defaultdict(list)
    roots = []
    for row in positions:
        if row["reports_to"] in by_id:
            reports[row["reports_to"]].append(row)
        else:
            roots.append(row)
    layer_of, per_layer, frontier = {}, [], roots
    while frontier:  # one pass per layer; the services keep the reporting line free of loops
        per_layer.append(len(frontier))
        for row in frontier:
            layer_of[row["id"]] = len(per_layer)
        frontier = [report for row in frontier for report in reports[row["id"]]]
    managers = [
        {**{key: row[key] for key in POSITION_FIELDS}, "grade": row["grade"], "layer": layer_of.get(row["id"]),
         "span": len(reports[row["id"]]), "span_filled": sum(report["filled"] for report in reports[row["id"]]),
         "band": span_band(len(reports[row["id"]]))}
        for row in positions if reports.get(row["id"])
    ]  # fmt: skip
    compressed = [
        {**{key: row[key] for key in POSITION_FIELDS}, "grade": row["grade"], "superior": superior["id"],
         "superior_code": superior["code"], "superior_title": superior["title"]}
        for row in positions
        if (superior := by_id.get(row["reports_to"])) is not None
        and row["grade"] is not None and row["grade"] == superior["grade"]
    ]  # fmt: skip
    mean_span, median_span = _average([manager["span"] for manager in managers])
    mean_filled, median_filled = _average([manager["span_filled"] for manager in managers])
    band_counts = dict.fromkeys((label for _low, _high, label in SPAN_BANDS), 0)
    for manager in managers:
        band_counts[manager["band"]] += 1
    return {
        "summary": {
            "positions": len(positions), "layers": len(per_layer), "managers": len(managers),
            "mean_span": mean_span, "median_span": median_span,
            "mean_span_filled": mean_filled, "median_span_filled": median_filled,
            "single_report_managers": sum(1 for manager in managers if manager["span"] == 1),
            "grade_compression": len(compressed),
        },
        "layers": [{"layer": number, "positions": count} for number, count in enumerate(per_layer, 1)],
        "bands": [
            {"band": label, "managers": count, "share": round(count / len(managers), 4) if managers else 0.0}
            for label, count in band_counts.items()
        ],
        "managers": managers,
        "single_report": [manager for manager in managers if manager["span"] == 1],
        "grade_compression": compressed,
    }  # fmt: skip


def _seats(planned=0, filled=0, vacant=0):
    return {"planned": planned, "filled": filled, "vacant": vacant}


def headcount(units, positions):
    """Planned, filled and vacant seats per unit (its own, and rolled up with the units below it), totals, vacancies.

    A position's vacant seats are its planned headcount less the people in it, never below zero.
    """
    own = {unit["id"]: _seats() for unit in units}
    vacancies = []
    for row in positions:
        vacant = max(row["headcount"] - row["filled"], 0)
        seats = own[row["unit"]]
        seats["planned"] += row["headcount"]
        seats["filled"] += row["filled"]
        seats["vacant"] += vacant
        if vacant:
            vacancies.append(
                {**{key: row[key] for key in POSITION_FIELDS}, "planned": row["headcount"], "filled": row["filled"],
                 "vacant": vacant}
            )  # fmt: skip
    rolled_up = {unit["id"]: _seats() for unit in units}
    for unit in units:
        for ancestor in unit["path"].strip("/").split("/"):
            total = rolled_up.get(int(ancestor))
            if total is not None:
                for key, value in own[unit["id"]].items():
                    total[key] += value
    top = min((unit["depth"] for unit in units), default=0)
    return {
        "totals": _seats(*(sum(seats[key] for seats in own.values()) for key in ("planned", "filled", "vacant"))),
        "units": [
            {"id": unit["id"], "code": unit["code"], "name": unit["name"], "level": unit["depth"] - top,
             "own": own[unit["id"]], "rolled_up": rolled_up[unit["id"]]}
            for unit in units
        ],
        "vacancies": vacancies,
    }  # fmt: skip
