import datetime
from collections import Counter
from decimal import Decimal as D

import pytest
from django.utils import timezone

from analytics.lint import RULES, by_unit, counts, follows, lint
from appraisal.services import indicator_write, kpi_set_activate, kpi_set_write
from positions.models import DescriptionVersion, Position
from positions.services import position_write
from tests.factories import make_position, make_unit

COMPLETE = {
    "duties": [
        {"category": "core", "title": "处理客户问题", "text": "及时、准确地处理客户的问题和投诉,提供优质服务。"},
        {"category": "core", "title": "收集客户反馈", "text": "收集客户的反馈和建议,为公司改进产品提供参考。"},
        {"category": "auxiliary", "text": "协助部门经理完成其他工作。"},
    ],
    "authorities": [{"text": "500元以下的客户补偿可自行决定。"}],
    "standards": [{"measure": "客户反馈月报按时提交率", "target": D(100), "unit": "%", "duty_index": 1}],
}


def _describe(position, **parts):
    return position_write(position=position, fields={}, parts={**COMPLETE, **parts})


def _indicator(code, name, dimension="results", kind="quantitative"):
    levels = None
    if kind == "rated":
        levels = [{"level": n, "points": D(p), "description": f"第{n}级"} for n, p in ((1, 50), (2, 100))]
    fields = {"code": code, "name": name, "dimension": dimension, "kind": kind}
    if kind == "quantitative":
        fields.update(unit="%", direction="higher")
    return indicator_write(fields=fields, levels=levels)


@pytest.fixture
def org(db):
    """A root unit with its director and one department of four positions, each missing something known.

    - director: at the top of the root unit, nothing but a complete description and a usable set;
    - manager: complete, reports to the director, appraised on the same usable set;
    - specialist: no superior, no authority, a core duty nobody follows, a standard without a target;
    - assistant: no duties at all, in a draft KPI set whose weights do not add up, published long ago.
    """
    top = make_unit(name="营销总部", code="HQ")
    service = make_unit(name="客服部", code="CS", parent=top)
    director = make_position(department=top, title="营销总监", code="DIR")
    manager = make_position(department=service, reports_to=director, title="客服经理", code="MGR")
    specialist = make_position(department=service, title="客服专员", code="SPC")
    assistant = make_position(department=service, reports_to=manager, title="客服助理", code="AST")
    for position in (director, manager):
        _describe(position)
    _describe(
        specialist,
        authorities=[],
        standards=[{"measure": "回访记录完整", "target": None, "unit": ""}],
        duties=[COMPLETE["duties"][0], {"category": "core", "text": "定期回访客户,了解客户需求。"}],
    )
    position_write(position=assistant, fields={}, parts={"duties": [], "authorities": [], "standards": []})
    DescriptionVersion.objects.filter(position=assistant).update(
        published=timezone.now() - datetime.timedelta(days=400)
    )
    complaints = _indicator("COMPLAINT", "投诉及时处理率")
    skill = _indicator("SKILL", "专业能力", dimension="ability", kind="rated")
    weights = {"ability_weight": D(20), "attitude_weight": D(0)}
    usable = kpi_set_write(
        fields={"code": "KS-CS", "name": "客服", "results_weight": D(80), **weights},
        items=[{"indicator": complaints, "weight": D(100), "target": D(95)}, {"indicator": skill, "weight": D(100)}],
        positions=[director, manager, specialist],
    )  # fmt: skip
    kpi_set_activate(kpi_set=usable)
    kpi_set_write(
        fields={"code": "KS-AST", "name": "助理", "results_weight": D(50), **weights},
        items=[{"indicator": complaints, "weight": D(90), "target": D(95)}, {"indicator": skill, "weight": D(100)}],
        positions=[assistant],
    )  # fmt: skip
    return {"top": top, "service": service, "director": director, "manager": manager, "specialist": specialist,
            "assistant": assistant, "usable": usable}  # fmt: skip


def _rules(findings, position):
    return Counter(f["rule"] for f in findings if f["position"] == position.pk)


def test_a_kpi_or_standard_follows_a_duty_when_most_of_its_character_pairs_are_in_it():
    duty = {"及时", "时准", "处理", "投诉", "客户", "理客"}
    assert follows("投诉及时处理率", duty)  # 投诉, 及时, 处理: 3 of 6 pairs
    assert not follows("工作计划完成率", duty)
    assert not follows("", duty)


def test_each_rule_finds_exactly_what_the_hand_built_organisation_lacks(org):
    findings = lint(Position.objects.all())
    assert _rules(findings, org["director"]) == Counter(), "the top of the root unit needs no superior"
    assert _rules(findings, org["manager"]) == Counter()
    assert _rules(findings, org["specialist"]) == Counter(
        {"no_superior": 1, "no_authority": 1, "standard_not_measurable": 1, "duty_not_followed": 1}
    )
    assert _rules(findings, org["assistant"]) == Counter(
        {"no_core_duty": 1, "no_authority": 1, "kpi_set_problem": 2, "description_old": 1}
    )
    unfollowed = next(f for f in findings if f["rule"] == "duty_not_followed")
    assert "定期回访客户" in unfollowed["message"], "处理客户问题 is followed by the KPI 投诉及时处理率"
    problems = sorted(f["message"] for f in findings if f["rule"] == "kpi_set_problem")
    assert "add up to 70, not 100" in problems[0] and "add up to 90, not 100" in problems[1]
    assert counts(findings) == {"error": 4, "warning": 4, "info": 1}
    assert all(f["severity"] == RULES[f["rule"]] for f in findings)


def test_each_finding_links_to_the_page_to_fix_it_on(org):
    findings = {(f["position"], f["rule"]): f for f in lint(Position.objects.all())}
    specialist, assistant = org["specialist"].pk, org["assistant"].pk
    assert findings[specialist, "no_superior"]["fix_url"] == f"/admin/positions/position/{specialist}/change/"
    assert findings[specialist, "no_authority"]["fix_url"] == f"/positions/{specialist}/description/edit/#authorities"
    assert findings[assistant, "no_core_duty"]["fix_url"] == f"/positions/{assistant}/description/edit/#duties"
    assert findings[assistant, "kpi_set_problem"]["fix_url"].startswith("/admin/appraisal/kpiset/")
    assert findings[assistant, "description_old"]["fix_url"] == f"/positions/{assistant}/description/edit/"


def test_a_linked_standard_follows_its_duty_and_the_age_limit_is_configurable(org, settings):
    settings.DESCRIPTION_MAX_AGE_DAYS = 500
    findings = lint(Position.objects.filter(pk__in=[org["manager"].pk, org["assistant"].pk]))
    assert not any(f["rule"] == "description_old" for f in findings)
    # the manager's second core duty is followed only through the standard linked to it
    _describe(org["manager"], standards=[])
    assert [f["rule"] for f in lint(Position.objects.filter(pk=org["manager"].pk))] == ["duty_not_followed"]


def test_a_position_without_a_kpi_set_or_a_publication_is_told_so(db):
    unit = make_unit(parent=make_unit())
    boss = make_position(department=unit)
    position = make_position(department=unit, reports_to=boss)
    rules = {f["rule"] for f in lint(Position.objects.filter(pk=position.pk))}
    assert {"no_kpi_set", "never_published", "no_core_duty", "no_authority"} <= rules


def test_findings_come_grouped_per_unit_in_a_fixed_number_of_queries(org, django_assert_num_queries):
    with django_assert_num_queries(9):
        findings = lint(Position.objects.all())
    groups = by_unit(findings)
    assert [g["unit_code"] for g in groups] == ["CS"], "the root unit's director has no finding"
    assert groups[0]["counts"] == counts(findings)
    for number in range(20):  # more positions, the same queries
        make_position(department=org["service"], reports_to=org["manager"], code=f"X{number}")
    with django_assert_num_queries(9):
        lint(Position.objects.all())


def test_the_seed_is_checked_as_the_deck_wrote_it(seed_org):
    findings = lint(Position.objects.all())
    by_rule = Counter(f["rule"] for f in findings)
    # the deck names duties but no authorities and no work standards; two key positions have no duty list
    assert by_rule["no_authority"] == Position.objects.count() == 32
    assert {f["position_code"] for f in findings if f["rule"] == "no_core_duty"} == {"MKT-DIR", "CS-MGR"}
    assert by_rule["no_superior"] == 0 and by_rule["kpi_set_problem"] == 0 and by_rule["no_kpi_set"] == 0
    crm = {f["message"] for f in findings if f["position_code"] == "SA-CRM" and f["rule"] == "duty_not_followed"}
    # 客户满意度 follows 管理客户关系, 投诉及时处理率 follows 处理客户问题; the other two core duties are not followed
    assert len(crm) == 2 and any("收集客户反馈" in m for m in crm) and any("促进客户忠诚" in m for m in crm)


def test_the_api_lists_findings_per_unit_and_filters_them(org, hr_api):
    response = hr_api.get("/api/v1/analytics/description-lint/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1 and body["positions_checked"] == 4
    assert body["totals"] == {"error": 4, "warning": 4, "info": 1}
    unit = body["results"][0]
    assert unit["unit_code"] == "CS" and len(unit["findings"]) == 9
    assert set(unit["findings"][0]) == {
        "rule", "severity", "severity_label", "message", "fix_url", "fix_label", "position", "position_code",
        "position_title",
    }  # fmt: skip
    errors = hr_api.get("/api/v1/analytics/description-lint/", {"severity": "error", "unit": org["service"].pk})
    assert {f["severity"] for f in errors.json()["results"][0]["findings"]} == {"error"}
    bad = hr_api.get("/api/v1/analytics/description-lint/", {"severity": "fatal", "rule": "x", "unit": 999999})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"severity", "rule", "unit"}


def test_the_page_and_the_position_page_show_the_findings(org, hr_user, client):
    client.force_login(hr_user)
    page = client.get("/analytics/description-lint/", {"severity": ["error", "warning"]})
    assert page.status_code == 200
    text = page.content.decode()
    assert "客服专员" in text and f"/positions/{org['specialist'].pk}/description/edit/#authorities" in text
    assert "days ago" not in text and 'data-rule="description_old"' not in text, "info findings are filtered out"
    own = client.get(f"/positions/{org['assistant'].pk}/").content.decode()
    assert 'id="description-check"' in own and 'data-rule="no_core_duty"' in own
    assert 'data-rule="no_superior"' not in own
    clean = client.get(f"/positions/{org['manager'].pk}/").content.decode()
    assert "This description follows every rule of the check." in clean
