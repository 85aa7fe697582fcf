"""`make load`: the production server under a mixed read and write load for 60 seconds.

    python -m benchmarks.load [--positions 10000] [--seconds 60] [--connections 16] [--workers 2]

Needs DATABASE_URL to name a PostgreSQL server; the test uses a scratch database of its own
(`<your database>_load`). It generates an organisation, starts gunicorn on 127.0.0.1 with the
production settings (DEBUG off; only the HTTPS redirect is off, as there is no TLS proxy in front
on loopback) and drives it from a second process with wrk: the org chart of a unit, the first
levels of the chart, a page of positions with descriptions, a position, a person, and writes
(an employee's e-mail, a position's purpose, which publishes a new description version).
Reports requests per second, latency percentiles and errors (which must be 0).
"""

import argparse
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import BASE_ENV, PYTHON, ROOT, Database, log, run

LUA = r"""
local token = "%(token)s"
local positions = {%(positions)s}
local employees = {%(employees)s}
local units = {%(units)s}
local counter = 0
local headers = {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}

function pick(list) return list[math.random(#list)] end

request = function()
  counter = counter + 1
  local slot = counter %% 20
  if slot < 4 then
    return wrk.format("GET", "/api/v1/org-chart/?root=" .. pick(units), headers)
  elseif slot < 6 then
    return wrk.format("GET", "/api/v1/org-chart/?depth=1", headers)
  elseif slot < 10 then
    return wrk.format("GET", "/api/v1/positions/?limit=50&offset=" .. math.random(0, 5000), headers)
  elseif slot < 14 then
    return wrk.format("GET", "/api/v1/positions/" .. pick(positions) .. "/", headers)
  elseif slot < 17 then
    return wrk.format("GET", "/api/v1/employees/" .. pick(employees) .. "/", headers)
  elseif slot < 19 then
    return wrk.format("PATCH", "/api/v1/employees/" .. pick(employees) .. "/", headers,
      '{"email": "load' .. counter .. '@example.com"}')
  else
    return wrk.format("PATCH", "/api/v1/positions/" .. pick(positions) .. "/", headers,
      '{"purpose": "负载测试 ' .. counter .. '"}')
  end
end

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local out = {requests = summary.requests, seconds = summary.duration / 1e6,
    errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    non_2xx = summary.errors.status,
    p50 = latency:percentile(50) / 1000, p95 = latency:percentile(95) / 1000, p99 = latency:percentile(99) / 1000,
    max = latency.max / 1000}
  local parts = {}
  for k, v in pairs(out) do table.insert(parts, string.format('"%%s": %%s', k, v)) end
  io.write("RESULT {" .. table.concat(parts, ", ") .. "}\n")
end
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not start on port {port}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--positions", type=int, default=10000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args(argv)
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit("make load needs DATABASE_URL=postgres://… (the production database kind)")
    database = Database("postgresql", "load", base)
    database.name = database.name.replace("_bench", "_load")
    database.url = database.url.replace("_bench", "_load")
    work = Path(tempfile.mkdtemp(prefix="orgdesign-load-"))
    database.fresh()
    people = int(args.positions * 2.5)
    log(f"generating {args.positions} positions and {people} people")
    run(["manage.py", "generate_org", "--positions", str(args.positions), "--employees", str(people)], database.url)
    run(["-m", "benchmarks.measure", "targets", "--out", str(work / "targets.json")], database.url)
    aims = json.loads((work / "targets.json").read_text())
    script = work / "mix.lua"
    script.write_text(LUA % {"token": aims["token"], **{k: ", ".join(map(str, aims[k])) for k in
                                                         ("positions", "employees", "units")}})  # fmt: skip

    port = free_port()
    env = {**os.environ, **BASE_ENV, "DATABASE_URL": database.url, "CONN_MAX_AGE": "60", "LOG_LEVEL": "ERROR"}
    access_log = open(work / "access.log", "w")  # noqa: SIM115  (the server writes it while it runs)
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "orgdesign.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--access-logfile", "-", "--error-logfile", str(work / "gunicorn-errors.log")],
        cwd=ROOT, env=env, stdout=access_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(port)
        log(f"gunicorn with {args.workers} workers on 127.0.0.1:{port}; wrk for {args.seconds} s")
        out = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s", "-s", str(script),
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, timeout=args.seconds + 120, check=True,
        ).stdout  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
        access_log.close()
    match = re.search(r"RESULT (\{.*\})", out)
    if not match:
        raise SystemExit(f"wrk gave no result:\n{out}")
    result = json.loads(match.group(1))
    statuses = {}
    for line in (work / "access.log").read_text().splitlines():
        found = re.search(r'" (\d{3}) ', line)
        if found:
            statuses[found.group(1)] = statuses.get(found.group(1), 0) + 1
    result.update({
        "date": datetime.date.today().isoformat(), "positions": args.positions, "people": people,
        "workers": args.workers, "connections": args.connections, "statuses": statuses,
        "requests_per_second": round(result["requests"] / result["seconds"], 1), "database": database.version(),
    })  # fmt: skip
    path = ROOT / "benchmarks" / "results" / f"load-{result['date']}.json"
    path.write_text(json.dumps(result, indent=1) + "\n")
    log(
        f"{result['requests_per_second']} requests/s, p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, "
        f"p99 {result['p99']:.1f} ms, errors {result['errors']}, non-2xx {result['non_2xx']}; wrote {path.name}"
    )
    if not args.no_docs:
        from benchmarks.report import write_load

        write_load(result, ROOT / "docs" / "performance.md")
    return 1 if result["errors"] or result["non_2xx"] else 0


if __name__ == "__main__":
    sys.exit(main())
