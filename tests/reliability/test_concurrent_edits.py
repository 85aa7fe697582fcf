"""Writers racing on one object through a real server with two worker processes (PostgreSQL)."""

import json
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth import get_user_model
from django.test import Client

from orgdesign.services import api_token_create
from positions.models import DescriptionDraft, Position
from tests.factories import make_position
from tests.reliability.conftest import postgresql_only

WRITERS = 20


def _race(count, write):
    """Run `write(n)` for n in 0..count-1 at once (all released together); their results in order of n."""
    barrier = threading.Barrier(count, timeout=30)

    def released(number):
        barrier.wait()
        return write(number)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(released, range(count)))


@postgresql_only
def test_twenty_clients_with_if_match_one_write_wins_per_version_and_the_rest_get_412(served):
    token = api_token_create(user=get_user_model().objects.create_superuser("hr", password="pw-1-pw-1"), name="t").key
    position = make_position(title="营销总监")
    url = f"/api/v1/positions/{position.pk}/"
    winners = []
    for round_number in range(3):
        etag = served.get(url, token=token)[1]["ETag"]
        answers = _race(WRITERS, lambda n, r=round_number, e=etag: served.send(
            "PATCH", url, token=token, body={"title": f"岗位{r}-{n}"}, headers={"If-Match": e}))  # fmt: skip
        assert Counter(status for status, _h, _b in answers) == {200: 1, 412: WRITERS - 1}, answers
        assert all(json.loads(body)["code"] == "precondition_failed" for status, _h, body in answers if status == 412)
        winners.append(next(f"岗位{round_number}-{n}" for n, answer in enumerate(answers) if answer[0] == 200))
    assert Position.objects.get(pk=position.pk).title == winners[-1]
    written = list(Position.history.filter(id=position.pk).order_by("history_id").values_list("title", flat=True))
    assert written == ["营销总监", *winners], "the history is exactly the successful writes, in order"


def _editor(username):
    user = get_user_model().objects.create_superuser(username, password="pw-1-pw-1")
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _open_form(served, cookie, position):
    status, headers, body = served.get(f"/positions/{position.pk}/description/edit/", cookie=cookie)
    assert status == 200
    csrf = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"] or "").group(1)
    form = dict(re.findall(rb'<input type="hidden" name="(csrfmiddlewaretoken|revision)" value="([^"]*)"', body))
    return {"cookie": f"{cookie}; csrftoken={csrf}", "csrfmiddlewaretoken": form[b"csrfmiddlewaretoken"].decode(),
            "revision": form[b"revision"].decode()}  # fmt: skip


@postgresql_only
def test_two_hr_editors_saving_the_same_description_at_once_one_is_refused_and_nothing_is_overwritten(served):
    position = make_position(title="市场部经理")
    editors = [_editor("hr1"), _editor("hr2")]
    for round_number in range(3):  # a new draft, then changes of it
        forms = [_open_form(served, cookie, position) for cookie in editors]
        assert forms[0]["revision"] == forms[1]["revision"]

        def save(number, r=round_number, forms=forms):
            form = forms[number]
            fields = {"csrfmiddlewaretoken": form["csrfmiddlewaretoken"], "revision": form["revision"],
                      "purpose": f"目的{r}-{number}", "purpose_en": "", "action": "save"}  # fmt: skip
            return served.send("POST", f"/positions/{position.pk}/description/edit/", form=fields,
                               cookie=form["cookie"])  # fmt: skip

        answers = _race(2, save)
        assert sorted(status for status, _h, _b in answers) == [302, 409], [a[0] for a in answers]
        winner = next(n for n, answer in enumerate(answers) if answer[0] == 302)
        refused = answers[1 - winner][2].decode()
        assert 'id="conflict"' in refused and f"目的{round_number}-{1 - winner}" in refused, "the loser's text is kept"
        assert DescriptionDraft.objects.get(position=position).content["purpose"] == f"目的{round_number}-{winner}"
