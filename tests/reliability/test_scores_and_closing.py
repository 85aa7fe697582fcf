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
def test_reviews_sent_while_hr_closes_are_counted_or_refused_with_409(served):
    """Each manager saves the scores, then submits; HR forces the close a third of the way through the stream.

    Every request lands wholly before the close or is refused whole after it: a review submitted in time is a
    result with its score, anything later leaves the appraisal not completed with what was saved kept as it was.
    """
    reps, manager_token, hr_token = _team()
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    appraisals = list(Appraisal.objects.filter(cycle=cycle, employee__in=reps).order_by("id"))
    for appraisal in appraisals:
        _self_assessed(appraisal)
    cycle_start_calibration(cycle=cycle, force=True, reason="Calibration starts on the agreed day; late reviews count.")
    rated = {a.pk: list(a.lines.filter(kind="rated").values_list("id", flat=True)) for a in appraisals}
    for _warm_up in range(4):  # both workers past their first, slow request
        assert served.get(f"/api/v1/appraisals/{appraisals[0].pk}/", token=manager_token)[0] == 200

    started, some_submitted, submitted = threading.Barrier(PEOPLE + 1, timeout=30), threading.Event(), Counter()
    lock = threading.Lock()

    def review(number):
        appraisal = appraisals[number]
        started.wait()
        time.sleep(0.08 * number)  # a stream of reviews, the close landing somewhere inside it
        lines = [{"id": line, "manager_score": 5} for line in rated[appraisal.pk]]
        body = {"feedback_date": "2026-10-01", "lines": lines}
        saved = served.send("PATCH", f"/api/v1/appraisals/{appraisal.pk}/", token=manager_token, body=body)[0]
        sent = served.send("POST", f"/api/v1/appraisals/{appraisal.pk}/submit-review/", token=manager_token)[0]
        if sent == 200:
            with lock:
                submitted["reviews"] += 1
                if submitted["reviews"] == PEOPLE // 3:  # HR closes a third of the way through
                    some_submitted.set()
        return saved, sent

    def close():
        started.wait()
        some_submitted.wait(timeout=30)
        body = {"force": True, "reason": "The quarter's results are due at the board."}
        return served.send("POST", f"/api/v1/appraisal-cycles/{cycle.pk}/close/", token=hr_token, body=body)[0]

    with ThreadPoolExecutor(PEOPLE + 1) as pool:
        closing = pool.submit(close)
        statuses = list(pool.map(review, range(PEOPLE)))
        assert closing.result() == 200
    assert set(statuses) <= {(200, 200), (200, 409), (409, 409)}, statuses
    assert statuses.count((200, 200)) >= PEOPLE // 3, statuses
    for appraisal, (saved, sent) in zip(appraisals, statuses, strict=True):
        stored = set(AppraisalLine.objects.filter(pk__in=rated[appraisal.pk]).values_list("manager_score", flat=True))
        assert stored == ({5} if saved == 200 else {None}), "saved means stored, refused means untouched"
        appraisal.refresh_from_db()
        if sent == 200:
            expected, _errors = appraisal_preview(appraisal=appraisal, role="hr", lines={})
            assert appraisal.state != "not_completed" and appraisal.final_score == expected["final_score"] is not None
        else:
            assert appraisal.state == "not_completed" and appraisal.final_score is None
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
