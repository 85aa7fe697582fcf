import itertools
import math
import random
from collections import Counter

import pytest

from analytics.overlap import bigrams, clauses, similar_pairs
from analytics.selectors import describe_duties, duty_overlap
from positions.models import Duty, Position
from tests.factories import make_position, make_unit


def test_a_duty_is_compared_clause_by_clause_without_punctuation_or_short_words():
    assert clauses("及时、准确地处理客户的问题和投诉,提供优质服务。") == ["准确地处理客户的问题和投诉", "提供优质服务"]
    assert clauses("Handle  Customer complaints; 负责") == ["handlecustomercomplaints"]
    assert clauses("") == [] and clauses(None) == []
    assert bigrams("处理客户投诉") == {"处理", "理客", "客户", "户投", "投诉"}


def _brute_force(texts, threshold):
    grams = [bigrams(text) for text in texts]
    counts = Counter(gram for text_grams in grams for gram in text_grams)
    idf = {gram: math.log((1 + len(texts)) / (1 + count)) + 1 for gram, count in counts.items()}
    weight = [sum(idf[gram] for gram in text_grams) for text_grams in grams]
    return {
        (a, b)
        for a, b in itertools.combinations(range(len(texts)), 2)
        if sum(idf[gram] for gram in grams[a] & grams[b]) / min(weight[a], weight[b]) >= threshold - 1e-9
    }


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7, 0.9, 1.0])
def test_the_index_finds_exactly_the_pairs_a_comparison_of_all_with_all_finds(threshold):
    rng = random.Random(threshold)
    alphabet = "处理客户投诉负责公司销售合同审核市场推广数据报表培训团队"
    texts = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(4, 14))) for _ in range(400)})
    found = similar_pairs(texts, threshold)
    assert {(a, b) for a, b, _similarity in found} == _brute_force(texts, threshold)
    assert [s for _a, _b, s in found] == sorted((s for _a, _b, s in found), reverse=True)


def test_similarity_is_one_for_a_contained_clause_and_low_for_common_words_only():
    texts = ["处理客户投诉", "处理重大客户投诉", "负责客户关系", "负责年度预算", "审核采购合同"]
    pairs = {(texts[a], texts[b]): s for a, b, s in similar_pairs(texts, 0.3)}
    assert pairs[("处理客户投诉", "处理重大客户投诉")] >= 0.7
    assert ("负责客户关系", "负责年度预算") not in pairs  # only 负责 in common
    with pytest.raises(ValueError):
        similar_pairs(texts, 0)


@pytest.fixture
def hand_built(db):
    """Four positions in two units; two of them both handle complaints, one duty is said twice word for word."""
    sales, service = make_unit(name="销售部"), make_unit(name="客服部")
    positions = {
        "manager": make_position(department=sales, title="客户关系经理"),
        "after_sales": make_position(department=service, title="售后专员"),
        "recruiter": make_position(department=service, title="招聘专员"),
        "trainer": make_position(department=sales, title="培训专员"),
    }
    duties = {
        "manager": ["及时、准确地处理客户的问题和投诉,提供优质服务。", "制定年度销售计划。"],
        "after_sales": ["处理客户投诉,提供满意的解决方案。", "定期回访客户。"],
        "recruiter": ["负责校园招聘与社会招聘。", "组织新员工入职培训。"],
        "trainer": ["组织新员工入职培训。", "评估培训效果。"],
    }
    for key, texts in duties.items():
        for order, text in enumerate(texts, 1):
            Duty.objects.create(position=positions[key], text=text, order=order)
    return positions


def _findings(**options):
    findings, _common = duty_overlap(Position.objects.all(), **options)
    return describe_duties(findings)


def test_the_hand_built_organisation_gives_its_known_findings(hand_built):
    findings = _findings(min_similarity=0.7)
    assert [(sorted(f["clauses"]), f["position_count"], f["duty_count"]) for f in findings] == [
        (["组织新员工入职培训"], 2, 2),  # the same duty in two positions
        (sorted(["处理客户投诉", "准确地处理客户的问题和投诉"]), 2, 2),
    ]
    same, complaints = findings
    assert same["similarity"] == 1.0 and 0.7 <= complaints["similarity"] < 1
    assert {d["position_title"] for d in complaints["duties"]} == {"客户关系经理", "售后专员"}
    assert {d["unit_name"] for d in complaints["duties"]} == {"销售部", "客服部"}
    assert _findings(min_similarity=1.0) == [same]


def test_a_changed_duty_is_seen_at_once(hand_built):
    assert len(_findings()) == 2
    duty = Duty.objects.get(text="评估培训效果。")
    duty.text = "组织新员工入职培训。"
    duty.save()
    assert len(_findings()) == 2  # trainer says it twice now: still one finding, three duties
    assert _findings()[0]["duty_count"] == 3
    Duty.objects.filter(position=hand_built["trainer"]).delete()
    assert [sorted(f["clauses"]) for f in _findings()] == [sorted(["处理客户投诉", "准确地处理客户的问题和投诉"])]


def test_the_seed_shows_the_customer_relationship_manager_and_after_sales_both_handling_complaints(seed_org):
    findings = _findings(min_similarity=0.7)
    both = {"客户关系经理", "售后专员"}
    complaint = [
        f for f in findings if both <= {d["position_title"] for d in f["duties"]} and "投诉" in "".join(f["clauses"])
    ]  # fmt: skip
    assert complaint, [f["clauses"] for f in findings]
    assert all(f["position_count"] >= 2 for f in findings)


def test_the_api_lists_findings_per_unit_and_refuses_bad_parameters(hand_built, hr_api):
    response = hr_api.get("/api/v1/analytics/duty-overlap/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["min_similarity"] == 0.7 and body["common_left_out"] == 0
    unit = hand_built["after_sales"].department_id
    only_service = hr_api.get(f"/api/v1/analytics/duty-overlap/?unit={unit}").json()
    assert only_service["count"] == 0  # the complaint pair and the training pair each cross the two units
    for query, field in [("min_similarity=0.2", "min_similarity"), ("min_similarity=x", "min_similarity"),
                         ("unit=999999", "unit"), ("limit=0", "limit")]:  # fmt: skip
        response = hr_api.get(f"/api/v1/analytics/duty-overlap/?{query}")
        assert response.status_code == 400 and field in response.json()["errors"], query


def test_the_page_lists_the_findings_with_links_to_fix_them(hand_built, hr_user, client):
    client.force_login(hr_user)
    page = client.get("/analytics/duty-overlap/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "组织新员工入职培训" in text and "售后专员" in text and "客户关系经理" in text
    assert f"/positions/{hand_built['after_sales'].pk}/description/edit/" in text
    strict = client.get("/analytics/duty-overlap/?min_similarity=1").content.decode()
    assert "组织新员工入职培训" in strict and "售后专员" not in strict
    odd = client.get("/analytics/duty-overlap/?min_similarity=abc&unit=x&page=99")
    assert odd.status_code == 200  # a hand-typed address falls back to the defaults
    client.logout()
    assert client.get("/analytics/duty-overlap/").status_code == 302


def test_across_units_keeps_only_findings_between_units(hand_built):
    colleague = make_position(department=hand_built["after_sales"].department, title="客服助理")
    Duty.objects.create(position=colleague, text="定期回访客户。", order=1)
    inside = [f for f in _findings() if f["clauses"] == ["定期回访客户"]]
    assert len(inside) == 1 and inside[0]["unit_count"] == 1
    across = _findings(across_units=True)
    assert [f["unit_count"] for f in across] == [2, 2]
    assert not any(f["clauses"] == ["定期回访客户"] for f in across)


def test_on_the_seed_across_units_leaves_the_overlaps_between_units(seed_org):
    everything, across = _findings(), _findings(across_units=True)
    assert 0 < len(across) < len(everything) and all(f["unit_count"] >= 2 for f in across)
    assert any({"客户关系经理", "售后专员"} <= {d["position_title"] for d in f["duties"]} for f in across)
