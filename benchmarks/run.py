"""`make bench`: the benchmark suite, on SQLite and (when DATABASE_URL names one) PostgreSQL.

    python -m benchmarks.run [--sizes 1000,10000] [--large] [--runs 7] [--databases sqlite,postgresql]

For each database and size it builds a fresh database of its own (never the one in DATABASE_URL:
SQLite files under var/bench/, PostgreSQL databases named `<your database>_bench`), then:

1. generates the organisation (`generate_org`), timing it and its peak memory;
2. exports it to XLSX, imports that file into a new empty database (`import_org`, every check on),
   timing it and its peak memory, and exports again to check the round trip;
3. vacuums and analyses it (PostgreSQL), as autovacuum would soon after a load;
4. measures the API in-process (`benchmarks.measure requests`): the whole-organisation documents
   against their floors, pages and details, query counts of every list and tree endpoint;
5. measures the peak memory of serving the two whole-organisation documents, each in a fresh process;
6. opens an appraisal cycle for everyone and computes its results (`benchmarks.measure cycle`).

It writes benchmarks/results/<date>.json and the tables in docs/performance.md.
"""

import argparse
import datetime
import filecmp
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PEOPLE = {1000: 5000, 10000: 50000, 100000: 250000}  # people per size: 5,000 / 50,000 / 250,000
BASE_ENV = {
    "DEBUG": "0", "SECRET_KEY": "benchmark-only-secret-key-not-for-any-real-deployment-0123456789",
    "SECURE_SSL_REDIRECT": "0", "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost", "API_RATE": "100000000/min",
    "IMPORT_MAX_MB": "500", "PYTHONWARNINGS": "ignore", "PYTHONPATH": str(ROOT), "CONN_MAX_AGE": "0",
    "DJANGO_SETTINGS_MODULE": "orgdesign.settings",
}  # fmt: skip


def log(message):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def run(args, database_url, *, log_file=None):
    """Run a command against `database_url`; returns (seconds, peak resident MB of that process)."""
    env = {**os.environ, **BASE_ENV, "DATABASE_URL": database_url}
    started = time.perf_counter()
    with open(log_file or os.devnull, "w") as out:
        process = subprocess.Popen([PYTHON, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        detail = Path(log_file).read_text()[-2000:] if log_file else ""
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{detail}")
    return round(seconds, 2), round(usage.ru_maxrss / 1024, 1)


class Database:
    """A scratch database of the suite's own for one vendor."""

    def __init__(self, vendor, size, base_url=None):
        self.vendor, self.size = vendor, size
        if vendor == "sqlite":
            self.path = ROOT / "var" / "bench" / f"bench-{size}.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            parts = urlsplit(base_url)
            self.name = f"{parts.path.lstrip('/') or 'orgdesign'}_bench"
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def fresh(self):
        """Drop and create it, then migrate."""
        if self.vendor == "sqlite":
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        else:
            connection = self._connect("postgres")
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                cursor.execute(f'CREATE DATABASE "{self.name}"')
            connection.close()
        run(["manage.py", "migrate", "--no-input"], self.url)

    def settle(self):
        """Bring the loaded database to the state autovacuum soon leaves it in: vacuumed and analysed.

        Right after a bulk load, PostgreSQL's first reads of each row set its hint bits and every
        index read visits the table; a page of 50 positions takes about 5 ms longer until the
        tables are vacuumed, which autovacuum does within minutes of a load.
        """
        if self.vendor == "sqlite":
            return
        connection = self._connect(self.name)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        connection.close()

    def _connect(self, name):
        import psycopg2

        parts = urlsplit(self.url)
        return psycopg2.connect(dbname=name, user=parts.username, password=parts.password, host=parts.hostname,
                                port=parts.port or 5432)  # fmt: skip

    def version(self):
        if self.vendor == "sqlite":
            import sqlite3

            return f"SQLite {sqlite3.sqlite_version}"

        connection = self._connect(self.name)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
        connection.close()
        return f"PostgreSQL {version}"


def measure(database, size, args, work):
    people = PEOPLE.get(size, int(size * 2.5))
    result = {"size": size, "people": people}
    database.fresh()
    log(f"{database.vendor} {size}: generating {size} positions and {people} people")
    seconds, peak = run(
        ["manage.py", "generate_org", "--positions", str(size), "--employees", str(people), "--seed", "1"],
        database.url, log_file=work / "generate.log",
    )  # fmt: skip
    result["generate"] = {"seconds": seconds, "peak_mb": peak}

    if size <= args.import_limit:
        first, second = work / f"org-{size}.xlsx", work / f"org-{size}-again.xlsx"
        export = run(["manage.py", "export_org", str(first)], database.url)
        database.fresh()
        log(f"{database.vendor} {size}: importing the exported workbook ({first.stat().st_size / 1e6:.1f} MB)")
        seconds, peak = run(["manage.py", "import_org", str(first)], database.url, log_file=work / "import.log")
        run(["manage.py", "export_org", str(second)], database.url)
        result["import"] = {
            "seconds": seconds, "peak_mb": peak, "file_mb": round(first.stat().st_size / 1e6, 1),
            "export_seconds": export[0], "round_trip_identical": filecmp.cmp(first, second, shallow=False),
        }  # fmt: skip

    database.settle()
    log(f"{database.vendor} {size}: requests")
    out = work / "requests.json"
    run(["-m", "benchmarks.measure", "requests", "--runs", str(args.runs), "--out", str(out)], database.url)
    result.update(json.loads(out.read_text()))

    result["memory"] = {}
    for name, url in (("org_chart", "/api/v1/org-chart/"), ("positions_all", "/api/v1/positions/all/")):
        out = work / f"memory-{name}.json"
        run(["-m", "benchmarks.measure", "memory", url, "--out", str(out)], database.url)
        result["memory"][name] = json.loads(out.read_text())

    if size <= args.cycle_limit:
        log(f"{database.vendor} {size}: appraisal cycle for everyone")
        out = work / "cycle.json"
        run(["-m", "benchmarks.measure", "cycle", "--out", str(out)], database.url)
        result["cycle"] = json.loads(out.read_text())
    return result


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kilobytes = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kilobytes / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import django

    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory, "os": platform.platform(),
            "python": platform.python_version(), "django": django.get_version()}  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="positions per organisation, comma-separated")
    parser.add_argument("--large", action="store_true", help="add 100,000 positions and 250,000 people")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure, after one warm-up")
    parser.add_argument("--databases", default=None, help="sqlite,postgresql (default: both when DATABASE_URL is one)")
    parser.add_argument("--import-limit", type=int, default=10000, help="largest size to import from XLSX")
    parser.add_argument("--cycle-limit", type=int, default=10000, help="largest size to open a cycle for")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument("--large-on", default=None, help="databases for --large (default: all of them)")
    parser.add_argument("--append", action="store_true", help="add to today's results instead of replacing them")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size] + ([100000] if args.large else [])
    base = os.environ.get("DATABASE_URL", "")
    vendors = args.databases.split(",") if args.databases else ["sqlite"] + (
        ["postgresql"] if base.startswith(("postgres://", "postgresql://")) else [])  # fmt: skip
    report = {"date": datetime.date.today().isoformat(), "machine": machine(), "runs": args.runs, "results": []}
    earlier = ROOT / "benchmarks" / "results" / f"{report['date']}.json"
    if args.append and earlier.exists():
        report = json.loads(earlier.read_text())
    started = time.perf_counter() - report.get("seconds", 0)
    work = Path(tempfile.mkdtemp(prefix="orgdesign-bench-"))
    try:
        for vendor in vendors:
            for size in sizes:
                if size == 100000 and args.large_on and vendor not in args.large_on.split(","):
                    continue
                database = Database(vendor, size, base)
                result = measure(database, size, args, work)
                result["database"] = database.version()
                report["results"].append(result)
                report["seconds"] = round(time.perf_counter() - started)
                save(report, args)  # after each size, so a long run that is stopped keeps what it measured
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def save(report, args):
    results = ROOT / "benchmarks" / "results" / f"{report['date']}.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    log(f"wrote {results.relative_to(ROOT)}")
    if not args.no_docs:
        from benchmarks.report import write_docs

        write_docs(report, ROOT / "docs" / "performance.md")
        log("wrote docs/performance.md")


if __name__ == "__main__":
    sys.exit(main())
