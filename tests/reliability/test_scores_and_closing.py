"""Managers scoring while HR closes the cycle, and two requests opening one cycle, on a real server (PostgreSQL)."""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth import get_user_model

from appraisal.models import Appraisal, AppraisalCycle, AppraisalLine, CycleEvent
from appraisal.services import (
    appraisal_preview,
    appraisal_submit_self,
    appraisal_update,
    cycle_open,
    cycle_start_calibration,
)
from orgdesign.services import api_token_create
from positions.services import employee_update
from tests.appraisal.conftest import make_cycle, make_library, make_set
from tests.factories import make_employee, make_position, make_unit
from tests.reliability.conftest import postgresql_only

PEOPLE = 12


def _team():
    """A director over twelve representatives, all on one KPI set; the director has a login, HR a token."""
    library = make_library()
    top = make_unit(name="营销总部")
    director = make_position(department=top, title="营销总监")
    rep = make_position(department=make_unit(name="销售部", parent=top), reports_to=director, headcount=PEOPLE)
    boss = make_employee(position=director, name="总监")
    reps = [make_employee(position=rep, name=f"代表{n}") for n in range(PEOPLE)]
    make_set(library, positions=[director, rep])
    manager = get_user_model().objects.create_user("director", password="pw-1-pw-1")
    employee_update(employee=boss, user=manager)
    hr = get_user_model().objects.create_superuser("hr", password="pw-1-pw-1")
    return reps, api_token_create(user=manager, name="t").key, api_token_create(user=hr, name="t").key


def _self_assessed(appraisal):
    lines = [
        {"id": line.pk, **({"actual": "95"} if line.kind == "quantitative" else {"self_score": 3})}
        for line in appraisal.lines.all()
    ]
    appraisal_update(appraisal=appraisal, role="hr", lines=lines)
    appraisal_submit_self(appraisal=appraisal)


@postgresql_only
def test_scores_sent_while_hr_closes_are_saved_and_counted_or_refused_with_409(served):
    reps, manager_token, hr_token = _team()
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    appraisals = list(Appraisal.objects.filter(cycle=cycle, employee__in=reps).order_by("id"))
    for appraisal in appraisals:
        _self_assessed(appraisal)
    cycle_start_calibration(cycle=cycle)
    rated = {a.pk: list(a.lines.filter(kind="rated").values_list("id", flat=True)) for a in appraisals}
    for _warm_up in range(4):  # both workers past their first, slow request
        assert served.get(f"/api/v1/appraisals/{appraisals[0].pk}/", token=manager_token)[0] == 200

    started, some_saved, saved = threading.Barrier(PEOPLE + 1, timeout=30), threading.Event(), Counter()
    lock = threading.Lock()

    def score(number):
        appraisal = appraisals[number]
        started.wait()
        time.sleep(0.08 * number)  # a stream of scores, the close landing somewhere inside it
        answer = served.send(
            "PATCH", f"/api/v1/appraisals/{appraisal.pk}/", token=manager_token,
            body={"lines": [{"id": line, "manager_score": 5} for line in rated[appraisal.pk]]},
        )  # fmt: skip
        if answer[0] == 200:
            with lock:
                saved["scores"] += 1
                if saved["scores"] == PEOPLE // 3:  # HR closes a third of the way through
                    some_saved.set()
        return answer[0]

    def close():
        started.wait()
        some_saved.wait(timeout=30)
        return served.send("POST", f"/api/v1/appraisal-cycles/{cycle.pk}/close/", token=hr_token)[0]

    with ThreadPoolExecutor(PEOPLE + 1) as pool:
        closing = pool.submit(close)
        statuses = list(pool.map(score, range(PEOPLE)))
        assert closing.result() == 200
    assert set(statuses) <= {200, 409} and statuses.count(200) >= PEOPLE // 3, statuses
    for appraisal, status in zip(appraisals, statuses, strict=True):
        stored = set(AppraisalLine.objects.filter(pk__in=rated[appraisal.pk]).values_list("manager_score", flat=True))
        assert stored == ({5} if status == 200 else {None}), "saved means stored, refused means untouched"
        appraisal.refresh_from_db()
        expected, _errors = appraisal_preview(appraisal=appraisal, role="hr", lines={})
        assert appraisal.final_score == expected["final_score"], "the results are those of the saved scores"
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == "closed"
    late = served.send("PATCH", f"/api/v1/appraisals/{appraisals[0].pk}/", token=manager_token, body={"lines": []})
    assert late[0] == 409


@postgresql_only
def test_two_requests_opening_one_cycle_create_one_set_of_appraisals(served):
    reps, _manager_token, hr_token = _team()
    cycle = make_cycle()
    barrier = threading.Barrier(2, timeout=30)

    def open_cycle(_number):
        barrier.wait()
        return served.send("POST", f"/api/v1/appraisal-cycles/{cycle.pk}/open/", token=hr_token)[0]

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(open_cycle, range(2)))
    assert statuses == [200, 409]
    assert Appraisal.objects.filter(cycle=cycle).count() == PEOPLE + 1  # the representatives and the director
    assert Appraisal.objects.filter(cycle=cycle).values("employee").distinct().count() == PEOPLE + 1
    assert CycleEvent.objects.filter(cycle=cycle, action="open").count() == 1
