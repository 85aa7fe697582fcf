import datetime
from decimal import Decimal as D

import pytest

from appraisal.services import cycle_write, indicator_write, kpi_set_activate, kpi_set_write
from tests.factories import make_employee, make_position, make_unit

LEVELS = [{"level": n, "points": D(p), "description": f"第{n}级"} for n, p in
          [(1, "40"), (2, "60"), (3, "75"), (4, "90"), (5, "100")]]  # fmt: skip


@pytest.fixture
def library(db):
    return make_library()


def make_library():
    """A small indicator library: two quantitative results indicators, one rated ability, one rated attitude."""
    return {
        "sales": indicator_write(fields={"code": "SALES", "name": "销售目标达成率", "dimension": "results",
                                         "kind": "quantitative", "unit": "%", "direction": "higher"}),
        "budget": indicator_write(fields={"code": "BUDGET", "name": "促销预算执行率", "dimension": "results",
                                          "kind": "quantitative", "unit": "%", "direction": "lower"}),
        "skill": indicator_write(fields={"code": "SKILL", "name": "专业能力", "dimension": "ability", "kind": "rated"},
                                 levels=LEVELS),
        "duty": indicator_write(fields={"code": "DUTY", "name": "责任心", "dimension": "attitude", "kind": "rated"},
                                levels=LEVELS),
    }  # fmt: skip


def make_set(library, *, code="KS", positions=(), activate=True, results=(("sales", "70"), ("budget", "30")),
             weights=("60", "25", "15")):  # fmt: skip
    items = [{"indicator": library[name], "weight": D(w), "target": D(100)} for name, w in results]
    items += [{"indicator": library["skill"], "weight": D(100)}, {"indicator": library["duty"], "weight": D(100)}]
    kpi_set = kpi_set_write(
        fields={"code": code, "name": f"{code}考核指标", "results_weight": D(weights[0]),
                "ability_weight": D(weights[1]), "attitude_weight": D(weights[2])},
        items=items, positions=list(positions),
    )  # fmt: skip
    if activate:
        kpi_set_activate(kpi_set=kpi_set)
    return kpi_set


@pytest.fixture
def team(library):
    """销售部: a manager (held) over a representative position held by two people; one person without a set."""
    top = make_unit(name="营销总部")
    sales = make_unit(name="销售部", parent=top)
    market = make_unit(name="市场部", parent=top)
    director = make_position(department=top, title="营销总监")
    manager = make_position(department=sales, reports_to=director, title="销售经理")
    rep = make_position(department=sales, reports_to=manager, title="销售代表", headcount=3)
    brand = make_position(department=market, reports_to=director, title="品牌经理")
    people = {
        "director": make_employee(position=director, name="总监甲"),
        "manager": make_employee(position=manager, name="经理乙"),
        "rep1": make_employee(position=rep, name="代表丙"),
        "rep2": make_employee(position=rep, name="代表丁"),
        "brand": make_employee(position=brand, name="品牌戊"),
        "idle": make_employee(position=None, name="待岗己"),
    }
    kpi_set = make_set(library, positions=[director, manager, rep])
    return {"units": {"top": top, "sales": sales, "market": market}, "people": people, "set": kpi_set,
            "positions": {"director": director, "manager": manager, "rep": rep, "brand": brand}}  # fmt: skip


def make_cycle(name="2026-Q3", scope=None, start="2026-07-01"):
    begin = datetime.date.fromisoformat(start)
    return cycle_write(fields={
        "name": name, "period_start": begin, "period_end": begin + datetime.timedelta(days=90),
        "self_deadline": begin + datetime.timedelta(days=100), "review_deadline": begin + datetime.timedelta(days=110),
        "scope": scope,
    })  # fmt: skip
