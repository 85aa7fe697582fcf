"""The generator's organisation is realistic in shape, deterministic, and passes every import rule."""

from collections import Counter

import pytest

from orgdesign.transfer.generate import generate
from orgdesign.transfer.load import make_plan

pytestmark = pytest.mark.django_db


def _shape(rows):
    parent = {unit["code"]: unit["parent"] for unit in rows["units"]}

    def depth(code):
        return 0 if parent[code] is None else 1 + depth(parent[code])

    spans = Counter(p["reports_to"] for p in rows["positions"] if p["reports_to"])
    seats = sum(p["headcount"] for p in rows["positions"])
    seated = sum(1 for e in rows["employees"] if e["position"])
    return max(depth(code) for code in parent) + 1, min(spans.values()), max(spans.values()), seats, seated


@pytest.mark.parametrize(("positions", "employees"), [(1000, 5000), (12000, 30000)])
def test_units_are_4_to_6_levels_deep_and_spans_2_to_15_and_people_fill_most_seats(positions, employees):
    rows = generate(positions=positions, employees=employees, seed=3)
    levels, smallest, largest, seats, seated = _shape(rows)
    assert 4 <= levels <= 6
    assert smallest >= 2 and largest <= 15
    assert seated == employees and 0.85 <= seated / seats <= 1
    assert len(rows["positions"]) == positions
    per_position = Counter(d["position"] for d in rows["duties"])
    assert min(per_position.values()) >= 4
    assert all("\u4e00" <= d["text"][0] <= "\u9fff" for d in rows["duties"][:50])  # Chinese, English beside it
    assert all(d["text_en"] for d in rows["duties"][:50])


def test_the_same_seed_gives_the_same_organisation_and_every_row_passes_the_import_checks():
    rows = generate(positions=800, employees=2000, seed=5)
    assert rows == generate(positions=800, employees=2000, seed=5)
    assert rows != generate(positions=800, employees=2000, seed=6)
    plan = make_plan(rows)  # every rule, the per-row field rules included
    assert plan.problems == []
