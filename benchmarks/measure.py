"""Measurements inside one Django process, against the database in DATABASE_URL (already generated).

    python -m benchmarks.measure requests --runs 7 --out FILE   endpoint timings, floors, query counts
    python -m benchmarks.measure memory URL --out FILE          peak memory of one whole request
    python -m benchmarks.measure cycle --out FILE               open a cycle for everyone, compute results

Requests go through Django's whole request path (URL routing, middleware, token authentication,
permission filtering, rendering) with the test client, authenticated as an HR admin with a token.
Timings are medians of `--runs` runs after a warm-up; an endpoint and its floors are run in turn
within each round, so a busy machine slows them alike and their ratio holds.
"""

import argparse
import datetime
import functools
import gc
import json
import os
import re
import resource
import statistics
import sys
import time


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orgdesign.settings")
    import django

    django.setup()


def hr_client():
    from django.test import Client

    return Client(HTTP_AUTHORIZATION=f"Token {hr_token()}")


@functools.cache
def hr_token():
    """The key of an API token of an HR admin made for the benchmarks (one per run)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from orgdesign.access import HR_ADMIN
    from orgdesign.services import api_token_create

    user, _created = get_user_model().objects.get_or_create(username="bench-hr")
    user.groups.add(Group.objects.get(name=HR_ADMIN))
    return api_token_create(user=user, name="bench").key  # keys are stored hashed: a new one each run


def fetch(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return b"".join(response.streaming_content) if response.streaming else response.content


def queries_of(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fetch(client, url)
    return len(captured)


def timed(function):
    gc.collect()
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def compare(runs, contenders):
    """{name: median seconds} for callables run in turn, `runs` rounds after one warm-up round."""
    samples = {name: [] for name in contenders}
    for round_number in range(runs + 1):
        for name, function in contenders.items():
            elapsed = timed(function)
            if round_number:
                samples[name].append(elapsed)
    return {name: statistics.median(values) for name, values in samples.items()}


def requests(runs):
    from django.db import connection

    from appraisal.models import AppraisalCycle
    from benchmarks import floors
    from departments.models import Department
    from positions.models import Employee, Position

    client = hr_client()
    postgres = connection.vendor == "postgresql"
    result = {"documents": {}, "pages": {}, "queries": {}}

    documents = {
        "org_chart": ("/api/v1/org-chart/", floors.org_chart_values, floors.org_chart_sql),
        "positions_all": ("/api/v1/positions/all/", floors.positions_values, floors.positions_sql),
    }
    for name, (url, by_values, by_sql) in documents.items():
        ours = fetch(client, url)
        checks = {"values": floors.same_document(ours, by_values())}
        contenders = {"endpoint": lambda url=url: fetch(client, url), "floor_values": by_values}
        if postgres:
            checks["sql"] = floors.same_document(ours, by_sql())
            contenders["floor_sql"] = by_sql
        medians = compare(runs, contenders)
        floor = min(value for key, value in medians.items() if key.startswith("floor"))
        result["documents"][name] = {
            "url": url, "bytes": len(ours), "same_document": checks, **{k: round(v, 4) for k, v in medians.items()},
            "floor": round(floor, 4), "ratio": round(medians["endpoint"] / floor, 2),
        }  # fmt: skip

    middle = Position.objects.order_by("id").values_list("id", flat=True)[Position.objects.count() // 2]
    pages = {
        "positions_page_50": "/api/v1/positions/?limit=50",
        "position_detail": f"/api/v1/positions/{middle}/",
        "employees_page_50": "/api/v1/employees/?limit=50",
        "org_chart_first_level": "/api/v1/org-chart/?depth=1",
    }
    medians = compare(max(runs, 15), {name: (lambda url=url: fetch(client, url)) for name, url in pages.items()})
    result["pages"] = {name: round(value * 1000, 2) for name, value in medians.items()}  # milliseconds

    unit = Department.objects.filter(depth=1).order_by("id").first()
    cycle = AppraisalCycle.objects.order_by("id").first()
    listed = [
        "/api/v1/departments/?limit=1000", "/api/v1/positions/?limit=1000",
        f"/api/v1/positions/?limit=1000&department={unit.pk}&include_descendants=true",
        "/api/v1/employees/?limit=1000", "/api/v1/indicators/?limit=1000", "/api/v1/kpi-sets/?limit=1000",
        "/api/v1/rating-bands/", "/api/v1/appraisal-cycles/", "/api/v1/org-chart/",
        f"/api/v1/org-chart/?root={unit.pk}", "/api/v1/org-chart/?depth=1", "/api/v1/positions/all/",
        "/api/v1/employees/all/", "/api/v1/departments/all/", "/api/v1/positions/?limit=50",
        f"/api/v1/positions/{middle}/",
    ]  # fmt: skip
    if cycle is not None:
        listed.append(f"/api/v1/appraisals/?limit=1000&cycle={cycle.pk}")
    result["queries"] = {_shape(url): queries_of(client, url) for url in listed}

    # The duty-overlap analysis, computed from nothing (its cache emptied) and then served from it.
    from analytics import selectors as analytics

    def cold_overlap():
        analytics.forget()
        return fetch(client, "/api/v1/analytics/duty-overlap/")

    warm = lambda: fetch(client, "/api/v1/analytics/duty-overlap/")  # noqa: E731
    medians = compare(max(1, runs // 2), {"cold": cold_overlap, "warm": warm})
    answer = json.loads(cold_overlap())
    analysis = analytics._latest
    result["duty_overlap"] = {
        "seconds": round(medians["cold"], 3), "cached_seconds": round(medians["warm"], 3), "findings": answer["count"],
        "duties": len(analysis.position_of), "clauses": len(analysis.texts), "similar_pairs": len(analysis.pairs),
    }  # fmt: skip

    # Pulling the whole organisation, as another system would: the tree, every position, every person.
    whole = ["/api/v1/org-chart/", "/api/v1/positions/all/", "/api/v1/employees/all/"]
    contenders = {"all": lambda: [fetch(client, url) for url in whole],
                  "people": lambda: fetch(client, "/api/v1/employees/all/")}  # fmt: skip
    if Employee.objects.count() <= 50000:  # offset paging is quadratic; beyond this it only measures that
        contenders["paged"] = lambda: _page(client)
    medians = compare(runs, contenders)
    result["whole_organisation"] = {
        "urls": whole, "seconds": round(medians["all"], 3), "queries": sum(queries_of(client, url) for url in whole),
        "paged_employees_seconds": round(medians["paged"], 3) if "paged" in medians else None,
        "employees_all_seconds": round(medians["people"], 3),
    }  # fmt: skip
    return result


def _shape(url):
    """The URL with ids replaced, so the same request is one key at every size."""
    return re.sub(r"/\d+/", "/ID/", re.sub(r"(department|root|cycle)=\d+", r"\1=ID", url))


def _page(client):
    url = "/api/v1/employees/?limit=1000"
    while url:
        url = json.loads(fetch(client, url))["next"]


def memory(url):
    """Peak resident memory of this process while serving `url` once, against its size before."""
    client = hr_client()
    fetch(client, "/api/v1/positions/?limit=1")  # load code and connections first
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    size = len(fetch(client, url))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"url": url, "bytes": size, "seconds": round(seconds, 3), "rss_before_mb": round(before / 1024, 1),
            "rss_peak_mb": round(peak / 1024, 1)}  # fmt: skip


def cycle():
    """Open a cycle for every active person with a position, score every line, and compute the results."""
    from django.db.models import F

    from appraisal.models import AppraisalCycle, AppraisalLine
    from appraisal.services import cycle_compute_results, cycle_open, cycle_write

    today = datetime.date.today()
    name = f"bench-{int(time.time())}"
    draft = cycle_write(fields={"name": name, "period_start": today, "period_end": today,
                                "self_deadline": today, "review_deadline": today})  # fmt: skip
    started = time.perf_counter()
    opened = cycle_open(cycle=draft)
    open_seconds = time.perf_counter() - started
    lines = AppraisalLine.objects.filter(appraisal__cycle=draft)
    lines.filter(kind="quantitative").update(actual=F("target"))
    lines.filter(kind="rated").update(manager_score=3)
    started = time.perf_counter()
    cycle_compute_results(cycle=AppraisalCycle.objects.get(pk=draft.pk))
    results_seconds = time.perf_counter() - started
    return {"appraisals": opened["created"], "lines": lines.count(), "left_out": len(opened["left_out"]),
            "open_seconds": round(open_seconds, 2), "results_seconds": round(results_seconds, 2)}  # fmt: skip


def targets():
    """A token and ids for the load test to aim at."""
    from departments.models import Department
    from positions.models import Employee, Position

    return {
        "token": hr_token(),
        "positions": list(Position.objects.order_by("?").values_list("id", flat=True)[:200]),
        "employees": list(Employee.objects.order_by("?").values_list("id", flat=True)[:200]),
        "units": list(Department.objects.filter(depth__lte=2).order_by("id").values_list("id", flat=True)[:50]),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["requests", "memory", "cycle", "targets"])
    parser.add_argument("url", nargs="?")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    setup()
    if args.what == "requests":
        result = requests(args.runs)
    elif args.what == "memory":
        result = memory(args.url)
    elif args.what == "cycle":
        result = cycle()
    else:
        result = targets()
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
