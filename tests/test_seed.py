"""The seed organisation holds the outline exactly, and loading it twice changes nothing."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from departments.models import CollaborationMechanism, Department, DepartmentDuty
from positions.models import DescriptionVersion, Duty, Employee, Position

pytestmark = pytest.mark.django_db

UNITS = {
    "营销总部": ("headquarters", None, "营销总监"),
    "市场部": ("department", "营销总部", "市场部经理"),
    "销售部": ("department", "营销总部", "销售部经理"),
    "促销与活动执行部": ("department", "营销总部", None),
    "支持与服务部": ("department", "营销总部", None),
    "客服部": ("department", "营销总部", "客服经理"),
}

TITLES = {
    "营销总部": ["营销总监"],
    "市场部": [
        "市场部经理",
        "市场部副经理",
        "产品经理",
        "产品专员",
        "品牌经理",
        "品牌专员",
        "市场策划经理",
        "策划专员",
    ],
    "销售部": [
        "销售部经理",
        "销售部副经理",
        "区域销售经理",
        "销售代表",
        "渠道经理",
        "渠道专员",
        "客户关系经理",
        "客服专员",
    ],
    "促销与活动执行部": ["促销经理", "促销专员", "活动执行经理", "执行专员", "终端管理经理", "终端专员"],
    "支持与服务部": [
        "物流仓储经理",
        "物流专员",
        "售后服务经理",
        "售后专员",
        "培训与发展经理",
        "培训专员",
        "信息技术支持经理",
        "信息技术支持专员",
    ],
    "客服部": ["客服经理"],
}

# position: (reports to, number of duties)
REPORTING = {
    "营销总监": (None, 0),
    "市场部经理": ("营销总监", 4), "市场部副经理": ("市场部经理", 4),
    "产品经理": ("市场部经理", 4), "产品专员": ("产品经理", 4),
    "品牌经理": ("市场部经理", 4), "品牌专员": ("品牌经理", 4),
    "市场策划经理": ("市场部经理", 4), "策划专员": ("市场策划经理", 4),
    "销售部经理": ("营销总监", 4), "销售部副经理": ("销售部经理", 4),
    "区域销售经理": ("销售部经理", 4), "销售代表": ("区域销售经理", 4),
    "渠道经理": ("销售部经理", 4), "渠道专员": ("渠道经理", 4),
    "客户关系经理": ("销售部经理", 4), "客服专员": ("客户关系经理", 4),
    "促销经理": ("营销总监", 3), "促销专员": ("促销经理", 3),
    "活动执行经理": ("营销总监", 3), "执行专员": ("活动执行经理", 3),
    "终端管理经理": ("营销总监", 3), "终端专员": ("终端管理经理", 3),
    "物流仓储经理": ("营销总监", 3), "物流专员": ("物流仓储经理", 3),
    "售后服务经理": ("营销总监", 3), "售后专员": ("售后服务经理", 3),
    "培训与发展经理": ("营销总监", 3), "培训专员": ("培训与发展经理", 3),
    "信息技术支持经理": ("营销总监", 3), "信息技术支持专员": ("信息技术支持经理", 3),
    "客服经理": ("营销总监", 0),
}  # fmt: skip


def test_units_kinds_parents_and_heads(seed_org):
    found = {
        unit.name: (unit.kind, unit.parent.name if unit.parent else None, unit.head.title if unit.head else None)
        for unit in Department.objects.select_related("parent", "head")
    }
    assert found == UNITS
    assert all(unit.function and unit.function_en and unit.name_en for unit in Department.objects.all())


def test_every_unit_holds_exactly_the_outline_positions(seed_org):
    for unit, titles in TITLES.items():
        found = list(Position.objects.filter(department__name=unit).order_by("order").values_list("title", flat=True))
        assert found == titles, unit


def test_reporting_lines_and_duty_counts(seed_org):
    positions = Position.objects.select_related("reports_to").annotate(duty_count=Count("duties"))
    found = {p.title: (p.reports_to.title if p.reports_to else None, p.duty_count) for p in positions}
    assert found == REPORTING


def test_seed_duties_are_core_and_translated_with_the_decks_short_titles(seed_org):
    assert set(Duty.objects.values_list("category", flat=True)) == {"core"}
    assert not Duty.objects.filter(text_en="").exists()
    sales_manager = Position.objects.get(title="销售部经理")
    assert list(sales_manager.duties.values_list("title", flat=True)) == [
        "制定销售策略和计划", "管理销售团队", "拓展销售渠道", "监控销售业务",
    ]  # fmt: skip
    assert Position.objects.get(title="品牌经理").duties.first().text == "制定品牌策略和品牌规划,提升品牌价值和知名度。"
    assert not Position.objects.filter(title_en="").exists()


def test_the_four_key_positions(seed_org):
    assert set(Position.objects.filter(is_key=True).values_list("title", flat=True)) == {
        "营销总监", "市场部经理", "销售部经理", "客服经理",
    }  # fmt: skip


def test_cost_control_is_held_by_the_promotion_unit_and_mechanisms_by_hq(seed_org):
    duties = DepartmentDuty.objects.filter(department__name="促销与活动执行部")
    assert list(duties.values_list("title", flat=True)) == ["费用预算管理", "效果评估与数据分析", "费用与效果优化建议"]
    mechanisms = CollaborationMechanism.objects.filter(department__name="营销总部")
    assert list(mechanisms.values_list("name", flat=True)) == [
        "定期召开营销会议", "建立信息共享平台", "跨部门协作流程", "鼓励团队创新与合作",
    ]  # fmt: skip


def test_every_seed_description_is_published_as_version_one(seed_org):
    assert DescriptionVersion.objects.count() == Position.objects.count()
    assert set(DescriptionVersion.objects.values_list("number", flat=True)) == {1}


def _all_rows():
    from appraisal.models import Appraisal, AppraisalLine, Indicator, KpiItem, KpiSet

    models = [Department, Position, Duty, DepartmentDuty, CollaborationMechanism, DescriptionVersion, Employee,
              Indicator, KpiSet, KpiItem, Appraisal, AppraisalLine]  # fmt: skip
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def test_loading_twice_leaves_exactly_the_same_rows(db):
    call_command("seed_org", "--demo", verbosity=0)
    first = _all_rows()
    call_command("seed_org", "--demo", verbosity=0)
    assert _all_rows() == first


def test_demo_people_fill_seats_without_exceeding_headcount(seed_org_demo):
    positions = Position.objects.annotate(filled=Count("holders"))
    assert all(1 <= p.filled <= p.headcount for p in positions)
    assert any(p.filled < p.headcount for p in positions), "some vacancies are left to show"
    assert all(p.filled in (2, 3) for p in positions if p.headcount > 1)


def test_the_indicator_library_covers_the_three_dimensions(seed_org):
    from appraisal.models import Indicator

    assert set(Indicator.objects.values_list("dimension", flat=True)) == {"results", "ability", "attitude"}
    names = set(Indicator.objects.values_list("name", flat=True))
    assert {"销售目标达成率", "促销预算执行率", "客户满意度"} <= names


def test_every_seed_position_has_exactly_one_usable_active_set(seed_org):
    from appraisal.models import KpiSet
    from appraisal.services import kpi_set_problems

    active = KpiSet.objects.filter(status="active").prefetch_related("positions")
    covered = [position.title for kpi_set in active for position in kpi_set.positions.all()]
    assert sorted(covered) == sorted(Position.objects.values_list("title", flat=True))
    assert all(kpi_set_problems(kpi_set) == [] for kpi_set in active)
    sales = KpiSet.objects.get(positions__title="销售代表")
    assert "销售目标达成率" in sales.items.values_list("indicator__name", flat=True)


def test_demo_cycles_give_every_page_something_to_show(seed_org_demo):
    from appraisal.models import Appraisal, AppraisalCycle

    q2, q3 = AppraisalCycle.objects.get(name="2026-Q2"), AppraisalCycle.objects.get(name="2026-Q3")
    assert (q2.state, q3.state) == ("closed", "open")
    assert Appraisal.objects.filter(cycle=q2).exclude(band="").count() == Employee.objects.count()
    assert Appraisal.objects.filter(cycle=q2, state="acknowledged").exists()
    assert Appraisal.objects.filter(cycle=q2).exclude(band_reason="").count() == 1
    states = set(Appraisal.objects.filter(cycle=q3).values_list("state", flat=True))
    assert states == {"self_assessment", "manager_review"}
    assert Appraisal.objects.filter(cycle=q3, reviewed__isnull=False).exists()


def test_snapshots_read_in_bulk_equal_the_snapshot_of_each_position(seed_org):
    from positions.models import WorkStandard
    from positions.selectors import description_snapshot, description_snapshots

    position = Position.objects.filter(duties__isnull=False).order_by("pk").first()
    duty = position.duties.order_by("order", "id").last()
    standard = WorkStandard.objects.create(position=position, measure="完成率", target="95.50", unit="%", duty=duty)
    positions = Position.objects.select_related("department", "reports_to")
    bulk = description_snapshots([p.pk for p in positions])
    assert bulk == {p.pk: description_snapshot(p) for p in positions}
    assert bulk[standard.position_id]["standards"][0]["duty"] == standard.position.duties.count() - 1


def test_history_copied_by_the_database_matches_the_history_the_library_writes(seed_org):
    from django.contrib.auth import get_user_model

    from orgdesign.audit import change_source, record_bulk_history, record_history_of
    from orgdesign.choices import ChangeSource

    user = get_user_model().objects.create(username="bulk")
    duties = list(Duty.objects.order_by("pk")[:5])
    with change_source(ChangeSource.IMPORT):
        record_bulk_history(Duty, duties, update=True, user=user)
        record_history_of(Duty, [d.pk for d in duties], update=True, user=user)
    skip = {"history_id", "history_date"}
    rows = Duty.history.filter(history_user=user).order_by("history_id").values()
    rows = [{k: v for k, v in r.items() if k not in skip} for r in rows]
    library, copied = rows[:5], rows[5:]
    assert library == copied
    assert {r["history_source"] for r in copied} == {ChangeSource.IMPORT}
    assert {r["history_type"] for r in copied} == {"~"}
