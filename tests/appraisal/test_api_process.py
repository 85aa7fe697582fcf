"""The appraisal process through the API: who reads what, the gates, sending back, recall, calibration and appeals.

The team (tests/appraisal/conftest.py): 总监甲 (top, reviewed by HR) over 经理乙, who reviews 代表丙 and 代表丁.
"""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from appraisal import visibility
from appraisal.api.serializers import AppraisalLineSerializer, AppraisalSerializer
from appraisal.choices import AppraisalState
from appraisal.models import Appeal, Appraisal, AppraisalCycle
from appraisal.services import appraisal_acknowledge, cycle_close, cycle_open, cycle_start_calibration
from orgdesign.access import API_READER, HR_ADMIN
from orgdesign.services import api_token_create
from tests.appraisal.conftest import make_cycle
from tests.appraisal.test_api import login_as
from tests.appraisal.test_cycles import _run

pytestmark = pytest.mark.django_db


def _appraisal(cycle, person):
    return Appraisal.objects.select_related("cycle").get(cycle=cycle, employee=person)


def _url(appraisal):
    return f"/api/v1/appraisals/{appraisal.pk}/"


def _token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user).key}")
    return client


@pytest.fixture
def cycle(team):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    return cycle


@pytest.fixture
def clients(team, cycle):
    """API clients of the employee (代表丙), their manager (经理乙) and the director (总监甲)."""
    people = team["people"]
    return {"rep": login_as(people["rep1"]), "manager": login_as(people["manager"]),
            "director": login_as(people["director"])}  # fmt: skip


@pytest.fixture
def granted_reader(django_user_model):
    """An API reader HR granted the view of every appraisal."""
    user = django_user_model.objects.create_user("granted", password="pw-123456789")
    user.groups.add(Group.objects.get(name=API_READER))
    user.user_permissions.add(Permission.objects.get(codename="view_appraisal"))
    return _token_client(user)


def _finish_everyone(team, cycle):
    for person in team["people"].values():
        if Appraisal.objects.filter(cycle=cycle, employee=person, state=AppraisalState.SELF_ASSESSMENT).exists():
            _run(_appraisal(cycle, person))


def _closed(team, cycle):
    _finish_everyone(team, cycle)
    cycle_start_calibration(cycle=cycle)
    cycle_close(cycle=cycle)
    return AppraisalCycle.objects.get(pk=cycle.pk)


def _rated(row):
    return [line for line in row["lines"] if line["kind"] == "rated"]


def test_every_field_the_api_shows_is_one_the_policy_knows():
    assert set(AppraisalSerializer.Meta.fields) <= visibility.APPRAISAL_FIELDS
    assert set(AppraisalLineSerializer.Meta.fields) <= visibility.LINE_FIELDS


def test_the_employee_reads_the_review_and_result_only_once_the_cycle_closes(team, cycle, clients, hr_api):
    rep = _run(_appraisal(cycle, team["people"]["rep1"]))
    mine = clients["rep"].get(_url(rep)).json()
    assert (mine["final_score"], mine["band"], mine["computed_band"], mine["manager_comment"]) == (
        None, None, None, None,
    )  # fmt: skip
    assert mine["feedback_notes"] is None and mine["bonus_coefficient"] is None
    assert all(line["manager_score"] is None and line["comment"] is None and line["score"] is None
               for line in mine["lines"])  # fmt: skip
    assert [line["self_score"] for line in _rated(mine)] == [5, 5], "their own entries stay readable"
    listed = clients["rep"].get("/api/v1/appraisals/").json()["results"]
    assert [row["final_score"] for row in listed] == [None]
    assert hr_api.get(_url(rep)).json()["final_score"] == "100.0", "HR reads the draft result"

    _closed(team, cycle)
    after = clients["rep"].get(_url(rep)).json()
    assert (after["final_score"], after["band"], after["feedback_notes"]) == ("100.0", "S", "面谈记录")
    assert [line["manager_score"] for line in _rated(after)] == [4, 5]


def test_results_hr_releases_reach_the_employee_before_closing(team, cycle, clients, hr_api):
    rep = _run(_appraisal(cycle, team["people"]["rep1"]))
    released = hr_api.post(f"/api/v1/appraisal-cycles/{cycle.pk}/release-results/")
    assert released.status_code == 200 and released.json()["results_released"]
    assert clients["rep"].post(f"/api/v1/appraisal-cycles/{cycle.pk}/release-results/").status_code == 403
    assert clients["rep"].get(_url(rep)).json()["final_score"] == "100.0"
    other = _appraisal(cycle, team["people"]["rep2"])
    assert login_as(team["people"]["rep2"]).get(_url(other)).json()["final_score"] is None, "no review, no result"


def test_the_reviewer_reads_a_self_assessment_only_once_it_is_submitted(team, cycle, clients):
    rep = _appraisal(cycle, team["people"]["rep1"])
    lines = {line["name"]: line["id"] for line in clients["rep"].get(_url(rep)).json()["lines"]}
    saved = clients["rep"].patch(_url(rep), {"self_comment": "草稿", "lines": [
        {"id": lines["专业能力"], "self_score": 3}, {"id": lines["销售目标达成率"], "actual": "112.5"},
    ]}, format="json")  # fmt: skip
    assert saved.status_code == 200, saved.json()
    mine = {line["name"]: line for line in saved.json()["lines"]}
    assert (mine["专业能力"]["self_score"], mine["销售目标达成率"]["self_actual"]) == (3, "112.5000")

    def reviewer_view():
        detail = clients["manager"].get(_url(rep)).json()
        listed = next(row for row in clients["manager"].get("/api/v1/appraisals/").json()["results"]
                      if row["id"] == rep.pk)  # fmt: skip
        history = clients["manager"].get(f"{_url(rep)}history/?limit=1000").json()["results"]
        fields = {change["field"] for entry in history for change in entry["changes"]}
        return detail, listed, fields

    detail, listed, fields = reviewer_view()
    for row in (detail, listed):
        by_name = {line["name"]: line for line in row["lines"]}
        assert row["self_comment"] is None
        assert by_name["专业能力"]["self_score"] is None and by_name["销售目标达成率"]["self_actual"] is None
    assert not {"self_score", "self_actual", "self_comment"} & fields

    everything = {line.indicator.code: line for line in rep.lines.select_related("indicator")}
    clients["rep"].patch(_url(rep), {"lines": [
        {"id": everything["BUDGET"].pk, "actual": "90"}, {"id": everything["DUTY"].pk, "self_score": 4},
    ]}, format="json")  # fmt: skip
    assert clients["rep"].post(f"{_url(rep)}submit-self/").status_code == 200
    detail, listed, fields = reviewer_view()
    for row in (detail, listed):
        by_name = {line["name"]: line for line in row["lines"]}
        assert row["self_comment"] == "草稿" and by_name["专业能力"]["self_score"] == 3
    assert {"self_score", "self_actual", "self_comment"} <= fields


def test_the_history_leaves_out_what_the_reader_may_not_read(team, cycle, clients, hr_api):
    rep = _run(_appraisal(cycle, team["people"]["rep1"]))
    entries = clients["rep"].get(f"{_url(rep)}history/?limit=1000").json()["results"]
    fields = {change["field"] for entry in entries for change in entry["changes"]}
    assert "self_score" in fields and not {"manager_score", "final_score", "feedback_notes", "band"} & fields
    assert all(entry["changes"] or entry["action"] != "changed" for entry in entries)
    hr_fields = {c["field"] for e in hr_api.get(f"{_url(rep)}history/?limit=1000").json()["results"]
                 for c in e["changes"]}  # fmt: skip
    assert {"manager_score", "final_score"} <= hr_fields


def _unpacked(content):
    """The text of a download: a CSV as it is, a workbook's cells joined."""
    if not content.startswith(b"PK"):
        return content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row).encode()


def test_band_reason_is_hr_s_alone_and_the_note_reaches_the_employee_after_close(
    team, cycle, clients, hr_api, granted_reader
):
    _finish_everyone(team, cycle)
    hr_api.post(f"/api/v1/appraisal-cycles/{cycle.pk}/start-calibration/", {}, format="json")
    rep = _appraisal(cycle, team["people"]["rep1"])
    body = {"band": "A", "reason": "王经理认为不够S", "note": "部门S比例超出指导线"}
    moved = hr_api.post(f"{_url(rep)}calibrate/", body, format="json")
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["band_reason"], moved.json()["band_note"]) == ("王经理认为不够S", "部门S比例超出指导线")
    before = clients["rep"].get(_url(rep)).json()
    assert (before["band_reason"], before["band_note"], before["band"]) == (None, None, None)
    read = granted_reader.get(_url(rep)).json()
    assert (read["band_reason"], read["band_note"], read["band"]) == (None, "部门S比例超出指导线", "A")
    results = granted_reader.get(f"/api/v1/appraisal-cycles/{cycle.pk}/results/").json()["results"]
    assert {row["band_reason"] for row in results} == {None}
    for fmt in ("csv", "xlsx"):
        download = granted_reader.get(f"/api/v1/appraisal-cycles/{cycle.pk}/results/?format={fmt}")
        assert download.status_code == 200 and "王经理认为不够S".encode() not in _unpacked(download.content)
        assert "部门S比例超出指导线".encode() in _unpacked(download.content)
        hr_download = hr_api.get(f"/api/v1/appraisal-cycles/{cycle.pk}/results/?format={fmt}")
        assert "王经理认为不够S".encode() in _unpacked(hr_download.content)
    people = granted_reader.get(f"/api/v1/appraisal-cycles/{cycle.pk}/distribution/").json()["total"]["people"]
    assert {person["reason"] for band in people.values() for person in band} == {None}
    hr_people = hr_api.get(f"/api/v1/appraisal-cycles/{cycle.pk}/distribution/").json()["total"]["people"]
    assert "王经理认为不够S" in {person["reason"] for person in hr_people["A"]}
    hr_results = hr_api.get(f"/api/v1/appraisal-cycles/{cycle.pk}/results/").json()["results"]
    assert "王经理认为不够S" in {row["band_reason"] for row in hr_results}

    hr_api.post(f"/api/v1/appraisal-cycles/{cycle.pk}/close/", {}, format="json")
    after = clients["rep"].get(_url(rep)).json()
    assert (after["band_reason"], after["band_note"], after["band"]) == (None, "部门S比例超出指导线", "A")


def test_the_gates_answer_409_with_the_counts_and_a_forced_close_ends_the_rest_not_completed(team, cycle, hr_api):
    _run(_appraisal(cycle, team["people"]["rep1"]))
    gate = f"/api/v1/appraisal-cycles/{cycle.pk}/"
    refused = hr_api.post(f"{gate}start-calibration/")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "unfinished" and "3 appraisals are unfinished" in body["detail"]
    assert body["unfinished"]["count"] == 3 and body["unfinished"]["by_state"] == {"self_assessment": 3}
    by_unit = {unit["name"]: [person["name"] for person in unit["people"]] for unit in body["unfinished"]["by_unit"]}
    assert by_unit == {"营销总部": ["总监甲"], "销售部": ["经理乙", "代表丁"]}
    no_reason = hr_api.post(f"{gate}start-calibration/", {"force": True}, format="json")
    assert no_reason.status_code == 400 and list(no_reason.json()["errors"]) == ["reason"]
    assert hr_api.post(f"{gate}start-calibration/", {"force": "yes"}, format="json").status_code == 400
    forced = hr_api.post(f"{gate}start-calibration/", {"force": True, "reason": "季度会议已定"}, format="json")
    assert forced.status_code == 200 and forced.json()["state"] == "calibration"

    closing = hr_api.post(f"{gate}close/", {}, format="json")
    assert closing.status_code == 409 and closing.json()["unfinished"]["count"] == 3
    assert hr_api.get(gate).json()["state"] == "calibration", "nothing changed"
    closed = hr_api.post(f"{gate}close/", {"force": True, "reason": "三人未完成,按制度记为未完成"}, format="json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    left = hr_api.get(_url(_appraisal(cycle, team["people"]["rep2"]))).json()
    assert (left["state"], left["final_score"], left["band"], left["bonus_coefficient"]) == (
        "not_completed", None, "", None,
    )  # fmt: skip
    rows = {row["name"]: row for row in hr_api.get(f"{gate}results/").json()["results"]}
    ended = rows["代表丁"]
    assert (ended["state"], ended["final_score"], ended["band"]) == ("not_completed", None, "")
    assert rows["代表丙"]["band"] == "S"
    assert hr_api.post(f"{gate}close/").json()["code"] == "conflict", "a wrong state is a plain conflict"


def test_hr_sends_a_review_back_and_a_manager_recalls_one_until_acknowledged(team, cycle, clients, hr_api):
    _finish_everyone(team, cycle)
    cycle_start_calibration(cycle=cycle)
    rep1, rep2 = _appraisal(cycle, team["people"]["rep1"]), _appraisal(cycle, team["people"]["rep2"])
    url = f"/api/v1/appraisal-cycles/{cycle.pk}/send-back/"
    assert clients["manager"].post(url, {"appraisals": [rep1.pk], "reason": "x"}, format="json").status_code == 403
    unknown = hr_api.post(url, {"appraisals": [rep1.pk, 987654], "reason": "请复核"}, format="json")
    assert unknown.status_code == 400 and "987654" in unknown.json()["errors"]["appraisals"][0]
    assert _appraisal(cycle, team["people"]["rep1"]).reviewed is not None, "nothing half done"
    sent = hr_api.post(url, {"appraisals": [rep1.pk], "reason": "请复核销售额"}, format="json")
    assert sent.status_code == 200, sent.json()
    assert [(row["id"], row["state"], row["reviewed"]) for row in sent.json()["results"]] == [
        (rep1.pk, "manager_review", None)
    ]
    assert clients["manager"].get(_url(rep1)).json()["returned_reason"] == "请复核销售额"
    assert clients["rep"].get(_url(rep1)).json()["returned_reason"] is None, "HR's word to the manager"

    assert clients["rep"].post(f"{_url(rep2)}recall/").status_code == 404, "not theirs"
    assert clients["rep"].post(f"{_url(rep1)}recall/").status_code == 403, "the employee does not recall"
    recalled = clients["manager"].post(f"{_url(rep2)}recall/")
    assert recalled.status_code == 200 and (recalled.json()["state"], recalled.json()["reviewed"]) == (
        "manager_review", None,
    )  # fmt: skip
    assert clients["manager"].post(f"{_url(rep2)}recall/").status_code == 409, "nothing submitted to recall"
    _run_review_again(rep2)
    cycle_close(cycle=AppraisalCycle.objects.get(pk=cycle.pk), force=True, reason="复核未完成")
    appraisal_acknowledge(appraisal=rep2)
    assert clients["manager"].post(f"{_url(rep2)}recall/").status_code == 409, "acknowledged: too late"


def _run_review_again(appraisal):
    from appraisal.services import appraisal_submit_review

    appraisal_submit_review(appraisal=Appraisal.objects.get(pk=appraisal.pk))


def test_several_people_are_moved_in_one_step_all_or_none(team, cycle, hr_api, clients):
    _finish_everyone(team, cycle)
    cycle_start_calibration(cycle=cycle)
    rep1, rep2 = _appraisal(cycle, team["people"]["rep1"]), _appraisal(cycle, team["people"]["rep2"])
    url = f"/api/v1/appraisal-cycles/{cycle.pk}/calibrate/"
    unknown = hr_api.post(url, {"moves": [{"appraisal": rep1.pk, "band": "B"}, {"appraisal": 987654, "band": "B"}],
                                "reason": "整体下调"}, format="json")  # fmt: skip
    assert unknown.status_code == 400 and list(unknown.json()["errors"]) == ["moves[1].appraisal"]
    stale = hr_api.post(url, {"moves": [{"appraisal": rep1.pk, "band": "B"},
                                        {"appraisal": rep2.pk, "band": "B", "revision": rep2.revision - 1}],
                              "reason": "整体下调"}, format="json")  # fmt: skip
    assert stale.status_code == 412
    no_band = hr_api.post(url, {"moves": [{"appraisal": rep1.pk, "band": "Z"}], "reason": "x"}, format="json")
    assert no_band.status_code == 400 and "band" in no_band.json()["errors"]
    assert {_appraisal(cycle, p).band for p in (team["people"]["rep1"], team["people"]["rep2"])} == {""}
    moved = hr_api.post(url, {"moves": [{"appraisal": rep1.pk, "band": "B", "revision": rep1.revision},
                                        {"appraisal": rep2.pk, "band": "B"}],
                              "reason": "部门整体下调", "note": "部门整体表现"}, format="json")  # fmt: skip
    assert moved.status_code == 200, moved.json()
    assert [(row["id"], row["band"], row["band_note"]) for row in moved.json()["results"]] == [
        (rep1.pk, "B", "部门整体表现"), (rep2.pk, "B", "部门整体表现"),
    ]  # fmt: skip
    assert clients["manager"].post(url, {"moves": [{"appraisal": rep1.pk, "band": "A"}], "reason": "x"},
                                   format="json").status_code == 403  # fmt: skip


def test_hr_answers_an_objection_the_employee_then_reads(team, cycle, clients, hr_api):
    cycle = _closed(team, cycle)
    rep = _appraisal(cycle, team["people"]["rep1"])
    acknowledged = clients["rep"].post(f"{_url(rep)}acknowledge/", {"objection": "销售额统计有误"}, format="json")
    assert acknowledged.json()["objection"] == "销售额统计有误"
    assert clients["manager"].get(_url(rep)).json()["objection"] is None
    url = f"{_url(rep)}resolve-objection/"
    assert clients["rep"].post(url, {"resolution": "x"}, format="json").status_code == 403
    answered = hr_api.post(url, {"resolution": "已核对,维持原结果"}, format="json")
    assert answered.status_code == 200 and answered.json()["objection_resolved"]
    assert clients["rep"].get(_url(rep)).json()["objection_resolution"] == "已核对,维持原结果"
    assert hr_api.post(url, {"resolution": "again"}, format="json").status_code == 409


@pytest.fixture
def closed(team, cycle, clients, django_user_model):
    """The cycle closed with everyone finished; 品牌戊 (outside the line) has a login HR may name to decide."""
    brand_api = login_as(team["people"]["brand"])
    return {"cycle": _closed(team, cycle), "brand": brand_api,
            "brand_user": django_user_model.objects.get(username=f"user{team['people']['brand'].pk}")}  # fmt: skip


def test_an_appeal_is_filed_assigned_and_decided_changed(team, closed, clients, hr_api, django_user_model):
    cycle = closed["cycle"]
    rep = _appraisal(cycle, team["people"]["rep1"])
    clients["rep"].post(f"{_url(rep)}acknowledge/", {}, format="json")
    assert clients["manager"].post(f"{_url(rep)}appeal/", {"grounds": "x"}, format="json").status_code == 403
    empty = clients["rep"].post(f"{_url(rep)}appeal/", {"grounds": "   "}, format="json")
    assert empty.status_code == 400 and list(empty.json()["errors"]) == ["grounds"]
    tag_before = clients["rep"].get(_url(rep))["ETag"]
    filed = clients["rep"].post(f"{_url(rep)}appeal/", {"grounds": "大客户回款未计入"}, format="json")
    assert filed.status_code == 201, filed.json()
    tag_filed = clients["rep"].get(_url(rep))["ETag"]
    assert tag_filed != tag_before, "a copy read before the appeal is stale"
    appeal = filed.json()
    assert (appeal["appraisal"], appeal["state"], appeal["grounds"], appeal["overdue"]) == (
        rep.pk, "open", "大客户回款未计入", False,
    )  # fmt: skip
    assert filed["Location"].endswith(f"/api/v1/appeals/{appeal['id']}/")
    assert clients["rep"].post(f"{_url(rep)}appeal/", {"grounds": "again"}, format="json").status_code == 409
    assert clients["rep"].get(_url(rep)).json()["appeal"] == {
        "id": appeal["id"], "state": "open", "outcome": "", "due": appeal["due"], "decided": None,
    }  # fmt: skip

    url = f"/api/v1/appeals/{appeal['id']}/"
    manager_user = django_user_model.objects.get(username=f"user{team['people']['manager'].pk}")
    named_manager = hr_api.post(f"{url}assign/", {"decider": manager_user.pk}, format="json")
    assert named_manager.status_code == 400 and list(named_manager.json()["errors"]) == ["decider"]
    early = hr_api.post(f"{url}assign/", {"decider": None, "due": "2000-01-01"}, format="json")
    assert early.status_code == 400 and list(early.json()["errors"]) == ["due"]
    due = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    assert clients["rep"].post(f"{url}assign/", {"decider": closed["brand_user"].pk}, format="json").status_code == 403
    assigned = hr_api.post(f"{url}assign/", {"decider": closed["brand_user"].pk, "due": due}, format="json")
    assert assigned.status_code == 200 and (assigned.json()["decider"], assigned.json()["due"]) == (
        closed["brand_user"].pk, due,
    )  # fmt: skip

    brand = closed["brand"]
    assert brand.get(url).json()["grounds"] == "大客户回款未计入", "the person named reads the grounds"
    assert brand.get(_url(rep)).json()["final_score"] == "100.0", "and the submitted result"
    stale = brand.post(f"{url}decide/", {"outcome": "changed", "decision": "x", "band": "A"}, format="json",
                       HTTP_IF_MATCH=f'"{appeal["id"]}.{appeal["revision"]}"')  # fmt: skip
    assert stale.status_code == 412
    nothing = brand.post(f"{url}decide/", {"outcome": "changed", "decision": "回款核实"}, format="json")
    assert nothing.status_code == 400 and "band" in nothing.json()["errors"]
    decided = brand.post(f"{url}decide/", {"outcome": "changed", "decision": "回款核实后调为A", "band": "A"},
                         format="json")  # fmt: skip
    assert decided.status_code == 200, decided.json()
    assert clients["rep"].get(_url(rep))["ETag"] != tag_filed, "and so is one read before the decision"
    assert (decided.json()["state"], decided.json()["outcome"], decided.json()["band_before"],
            decided.json()["band_after"]) == ("decided", "changed", "S", "A")  # fmt: skip
    mine = clients["rep"].get(_url(rep)).json()
    assert (mine["band"], mine["bonus_coefficient"], mine["state"], mine["acknowledged"]) == (
        "A", "1.50", "calibrated", None,
    )  # fmt: skip
    assert mine["result_change_reason"] == "回款核实后调为A" and mine["appeal"]["outcome"] == "changed"
    assert clients["rep"].get(url).json()["decision"] == "回款核实后调为A"
    assert brand.post(f"{url}decide/", {"outcome": "upheld", "decision": "x"}, format="json").status_code == 409


def test_an_appeal_rejected_and_one_after_the_deadline(team, closed, clients, hr_api):
    cycle = closed["cycle"]
    rep = _appraisal(cycle, team["people"]["rep1"])
    appeal = clients["rep"].post(f"{_url(rep)}appeal/", {"grounds": "不服"}, format="json").json()
    rejected = hr_api.post(f"/api/v1/appeals/{appeal['id']}/decide/",
                           {"outcome": "rejected", "decision": "申诉理由与考核结果无关"}, format="json")  # fmt: skip
    assert rejected.status_code == 200 and rejected.json()["outcome"] == "rejected"
    assert clients["rep"].get(_url(rep)).json()["band"] == "S", "the result stands"
    AppraisalCycle.objects.filter(pk=cycle.pk).update(appeal_deadline=timezone.localdate() - datetime.timedelta(1))
    other = _appraisal(cycle, team["people"]["rep2"])
    late = login_as(team["people"]["rep2"]).post(f"{_url(other)}appeal/", {"grounds": "迟到"}, format="json")
    assert late.status_code == 409 and "has passed" in late.json()["detail"]
    assert not Appeal.objects.filter(appraisal=other).exists()


def test_the_manager_who_scored_cannot_decide_the_appeal(team, closed, clients, hr_api):
    cycle = closed["cycle"]
    rep = _appraisal(cycle, team["people"]["rep1"])
    appeal = clients["rep"].post(f"{_url(rep)}appeal/", {"grounds": "评分偏低"}, format="json").json()
    url = f"/api/v1/appeals/{appeal['id']}/decide/"
    body = {"outcome": "upheld", "decision": "维持"}
    assert clients["manager"].post(url, body, format="json").status_code == 404, "the manager sees no appeal"
    manager_user = rep.reviewer.user
    manager_user.groups.add(Group.objects.get(name=HR_ADMIN))  # even when they are HR as well
    refused = clients["manager"].post(url, body, format="json")
    assert refused.status_code == 403 and Appeal.objects.get(pk=appeal["id"]).state == "open"
    assert clients["rep"].post(url, body, format="json").status_code == 403, "nor the employee"


def test_the_appeals_list_is_scoped_to_each_role(team, closed, clients, hr_api, granted_reader):
    cycle = closed["cycle"]
    rep1, rep2 = _appraisal(cycle, team["people"]["rep1"]), _appraisal(cycle, team["people"]["rep2"])
    rep2_api = login_as(team["people"]["rep2"])
    first = clients["rep"].post(f"{_url(rep1)}appeal/", {"grounds": "理由一"}, format="json").json()
    second = rep2_api.post(f"{_url(rep2)}appeal/", {"grounds": "理由二"}, format="json").json()
    hr_api.post(f"/api/v1/appeals/{second['id']}/assign/", {"decider": closed["brand_user"].pk}, format="json")

    def ids(client, query=""):
        response = client.get(f"/api/v1/appeals/{query}")
        assert response.status_code == 200, response.json()
        return sorted(row["id"] for row in response.json()["results"])

    assert ids(hr_api) == sorted([first["id"], second["id"]])
    assert ids(clients["rep"]) == [first["id"]]
    assert ids(closed["brand"]) == [second["id"]]
    assert ids(clients["manager"]) == [] and ids(granted_reader) == []
    assert clients["manager"].get(f"/api/v1/appeals/{first['id']}/").status_code == 404
    assert clients["rep"].get(f"/api/v1/appeals/{second['id']}/").status_code == 404
    Appeal.objects.filter(pk=first["id"]).update(due=timezone.localdate() - datetime.timedelta(days=1))
    assert ids(hr_api, "?overdue=true") == [first["id"]]
    assert ids(hr_api, "?overdue=false") == [second["id"]]
    assert ids(hr_api, "?state=decided") == []
    assert ids(hr_api, f"?cycle={cycle.pk}&state=open") == sorted([first["id"], second["id"]])
    assert hr_api.get("/api/v1/appeals/?overdue=maybe").status_code == 400
    assert hr_api.get(f"/api/v1/appeals/{first['id']}/").json()["overdue"] is True


def test_the_appraisal_list_runs_a_fixed_number_of_queries_for_every_role(team, library, clients):
    from tests.appraisal.conftest import make_set

    def count(client):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/appraisals/?limit=1000").status_code == 200
        return len(queries)

    small = {role: count(client) for role, client in clients.items()}
    for n in range(3):
        make_set(library, code=f"X{n}", activate=False)
        other = make_cycle(name=f"B{n}", start=f"202{n}-01-01")
        cycle_open(cycle=other)
    assert {role: count(client) for role, client in clients.items()} == small


def test_a_kpi_set_an_open_cycle_uses_cannot_be_deleted(team, cycle, hr_api):
    response = hr_api.delete(f"/api/v1/kpi-sets/{team['set'].pk}/")
    assert response.status_code == 409 and "2026-Q3" in response.json()["detail"]
    assert hr_api.get(f"/api/v1/kpi-sets/{team['set'].pk}/").status_code == 200


def test_opening_is_previewed_and_the_top_of_the_tree_gets_a_named_reviewer(team, hr_api, clients, cycle):
    draft = hr_api.post("/api/v1/appraisal-cycles/", {
        "name": "2026-Q4", "period_start": "2026-10-01", "period_end": "2026-12-31",
        "self_deadline": "2027-01-10", "review_deadline": "2027-01-20",
        "top_reviewer": team["people"]["brand"].pk, "appeal_deadline": "2027-02-28",
    }, format="json")  # fmt: skip
    assert draft.status_code == 201, draft.json()
    assert (draft.json()["top_reviewer"], draft.json()["appeal_deadline"], draft.json()["results_released"]) == (
        team["people"]["brand"].pk, "2027-02-28", None,
    )  # fmt: skip
    url = f"/api/v1/appraisal-cycles/{draft.json()['id']}/"
    preview = hr_api.get(f"{url}open-preview/")
    assert preview.status_code == 200
    assert preview.json()["appraisals"] == 4 and preview.json()["reviewed_by_hr"] == []
    assert {person["name"] for person in preview.json()["left_out"]} == {"品牌戊", "待岗己"}
    assert clients["rep"].get(f"/api/v1/appraisal-cycles/{cycle.pk}/open-preview/").status_code == 403
    overlapping = hr_api.patch(url, {"period_start": "2026-08-01"}, format="json")
    assert overlapping.status_code == 400 and "overlaps 2026-Q3" in overlapping.json()["errors"]["period_start"][0]
    hr_api.post(f"{url}open/")
    director = Appraisal.objects.get(cycle_id=draft.json()["id"], employee=team["people"]["director"])
    assert director.reviewer == team["people"]["brand"]


def test_an_hr_admin_reads_their_own_appraisal_as_its_employee(team, cycle, hr_user):
    from positions.services import employee_update

    employee_update(employee=team["people"]["rep1"], user=hr_user)
    rep = _run(_appraisal(cycle, team["people"]["rep1"]))
    client = _token_client(hr_user)
    own = client.get(_url(rep)).json()
    assert (own["state"], own["final_score"], own["band_reason"]) == (AppraisalState.MANAGER_REVIEW, None, None)
    other = _run(_appraisal(cycle, team["people"]["rep2"]))
    assert client.get(_url(other)).json()["final_score"] == "100.0", "HR reads everyone else's"


def test_an_indicator_minimum_is_a_number_or_null_never_empty_text(hr_api, db):
    body = {"code": "MIN", "name": "回款率", "dimension": "results", "kind": "quantitative", "direction": "higher"}
    empty = hr_api.post("/api/v1/indicators/", {**body, "minimum": ""}, format="json")
    assert empty.status_code == 400 and list(empty.json()["errors"]) == ["minimum"]
    created = hr_api.post("/api/v1/indicators/", {**body, "minimum": "-5"}, format="json")
    assert created.status_code == 201 and created.json()["minimum"] == "-5.0000"
    assert hr_api.patch(f"/api/v1/indicators/{created.json()['id']}/", {"minimum": None},
                        format="json").json()["minimum"] is None  # fmt: skip
