"""The Markdown tables of a benchmark run, written between markers in docs/performance.md."""

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def _mark(ok):
    return "✓" if ok else "✗"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _db(result):
    return result["database"].split()[0]


def tables(report):
    m = report["machine"]
    results = report["results"]
    out = [
        f"Run of {report['date']} on {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; "
        f"Python {m['python']}, Django {m['django']}; "
        + ", ".join(sorted({r["database"] for r in results}))
        + f". Medians of {report['runs']} runs after a warm-up; the whole run took {report['seconds'] // 60} min.",
        "",
        "**Whole organisation against the floor** (ms; ratio = ours ÷ the faster floor; target ≤ 1.5):",
        "",
    ]
    rows = []
    for r in results:
        for d in r["documents"].values():
            rows.append([_db(r), f"{r['size']:,}", f"`{d['url']}`", f"{d['bytes'] / 1e6:.1f} MB",
                         f"{d['endpoint'] * 1000:.0f}", f"{d['floor_values'] * 1000:.0f}",
                         f"{d['floor_sql'] * 1000:.0f}" if "floor_sql" in d else "—",
                         f"**{d['ratio']:.2f}** {_mark(d['ratio'] <= 1.5)}",
                         " ".join(f"{k} {_mark(v)}" for k, v in d["same_document"].items())])  # fmt: skip
    out += [_table(["database", "positions", "document", "size", "ours", "floor: values()+orjson",
                    "floor: SQL json_agg", "ratio", "same JSON"], rows), ""]  # fmt: skip

    out += ["**Pages and details** (ms, in-process through the whole request path; target < 15 at 10,000 on "
            "PostgreSQL):", ""]  # fmt: skip
    rows = [[_db(r), f"{r['size']:,}", *(f"{r['pages'][k]:.1f}" for k in
             ("positions_page_50", "position_detail", "employees_page_50", "org_chart_first_level"))]
            for r in results]  # fmt: skip
    out += [_table(["database", "positions", "positions, page of 50 with parts", "position detail",
                    "employees, page of 50", "org chart, first level"], rows), ""]  # fmt: skip

    out += [
        "**Generating and importing** (one run each; peak resident memory of the process; import target "
        "< 60 s and < 1 GB at 10,000 positions, generator target < 3 min at 100,000 on PostgreSQL):",
        "",
    ]
    rows = []
    for r in results:
        g, i = r["generate"], r.get("import")
        rows.append([_db(r), f"{r['size']:,}", f"{r['people']:,}", f"{g['seconds']:.1f} s", f"{g['peak_mb']:.0f} MB",
                     f"{i['seconds']:.1f} s" if i else "—", f"{i['peak_mb']:.0f} MB" if i else "—",
                     f"{i['file_mb']} MB" if i else "—", _mark(i["round_trip_identical"]) if i else "—"])  # fmt: skip
    out += [_table(["database", "positions", "people", "generate", "generate memory", "import XLSX",
                    "import memory", "file", "re-export identical"], rows), ""]  # fmt: skip

    out += ["**Memory of the whole-organisation documents** (peak resident MB of a fresh process serving one; "
            "target < 1,024 at 100,000 positions):", ""]  # fmt: skip
    rows = [
        [_db(r), f"{r['size']:,}", *(_memory(r["memory"][k]) for k in ("org_chart", "positions_all"))] for r in results
    ]
    out += [_table(["database", "positions", "`/api/v1/org-chart/`", "`/api/v1/positions/all/`"], rows), ""]

    cycles = [r for r in results if "cycle" in r]
    if cycles:
        out += ["**Appraisal cycle** (open for everyone with a position: target < 60 s for 50,000 people; compute "
                "results: target < 10 s):", ""]  # fmt: skip
        rows = [[_db(r), f"{r['size']:,}", f"{r['cycle']['appraisals']:,}", f"{r['cycle']['lines']:,}",
                 f"{r['cycle']['open_seconds']:.1f} s", f"{r['cycle']['results_seconds']:.1f} s"]
                for r in cycles]  # fmt: skip
        out += [_table(["database", "positions", "appraisals", "lines", "open", "compute results"], rows), ""]

    overlaps = [r for r in results if "duty_overlap" in r]
    if overlaps:
        out += ["**Duty overlap** (`/api/v1/analytics/duty-overlap/`, the whole organisation: computed from nothing, "
                "target < 60 s at 10,000 positions; then from its cache):", ""]  # fmt: skip
        rows = [[_db(r), f"{r['size']:,}", f"{r['duty_overlap']['duties']:,}", f"{r['duty_overlap']['clauses']:,}",
                 f"{r['duty_overlap']['similar_pairs']:,}", f"{r['duty_overlap']['findings']:,}",
                 f"{r['duty_overlap']['seconds']:.2f} s", f"{r['duty_overlap']['cached_seconds']:.2f} s"]
                for r in overlaps]  # fmt: skip
        out += [_table(["database", "positions", "duties", "distinct clauses", "similar pairs ≥ 0.5",
                        "findings ≥ 0.7", "computed", "cached"], rows), ""]  # fmt: skip

    out += ["**Pulling the whole organisation** (the tree, every position with its description, every person: "
            "the three `…/all/` and org-chart requests):", ""]  # fmt: skip
    rows = [[_db(r), f"{r['size']:,}", f"{r['people']:,}", f"{r['whole_organisation']['seconds'] * 1000:.0f} ms",
             r["whole_organisation"]["queries"], _ms(r["whole_organisation"].get("employees_all_seconds")),
             _ms(r["whole_organisation"]["paged_employees_seconds"])]
            for r in results]  # fmt: skip
    out += [_table(["database", "positions", "people", "time", "SQL queries", "people in one request (`…/all/`)",
                    "people paged 1,000 at a time"], rows), ""]  # fmt: skip

    out += ["**SQL queries per request** (each list and tree endpoint; the same at every size):", ""]
    columns = [(r["database"], r["size"]) for r in results]
    urls = list(results[0]["queries"])
    rows = []
    for url in urls:
        counts = {}
        for r in results:
            counts.setdefault(_db(r), []).append(r["queries"].get(url))
        same = all(len(set(values)) == 1 for values in counts.values())
        rows.append([f"`{url}`", *(r["queries"].get(url, "—") for r in results), _mark(same)])
    out += [_table(["endpoint", *(f"{_db_short(d)} {s:,}" for d, s in columns), "equal"], rows)]
    return "\n".join(out)


def _ms(seconds):
    return "—" if seconds is None else f"{seconds * 1000:.0f} ms"


def _memory(figure):
    return f"{figure['rss_peak_mb']:.0f} (from {figure['rss_before_mb']:.0f})"


def _db_short(name):
    return name.split()[0]


def write_docs(report, path):
    text = path.read_text() if path.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    _old, after = rest.split(END, 1)
    path.write_text(f"{before}{START}\n{tables(report)}\n{END}{after}")


LOAD_START, LOAD_END = "<!-- load:start -->", "<!-- load:end -->"


def write_load(result, path):
    table = _table(
        ["date", "server", "database", "organisation", "connections", "requests", "requests/s", "p50", "p95", "p99",
         "errors", "statuses"],
        [[result["date"], f"gunicorn, {result['workers']} workers", result["database"],
          f"{result['positions']:,} positions, {result['people']:,} people", result["connections"],
          f"{result['requests']:,}", result["requests_per_second"], f"{result['p50']:.1f} ms",
          f"{result['p95']:.1f} ms", f"{result['p99']:.1f} ms", result["errors"] + result["non_2xx"],
          ", ".join(f"{k}: {v:,}" for k, v in sorted(result["statuses"].items()))]],
    )  # fmt: skip
    text = path.read_text()
    if LOAD_START not in text:
        text += f"\n{LOAD_START}\n{LOAD_END}\n"
    before, rest = text.split(LOAD_START, 1)
    _old, after = rest.split(LOAD_END, 1)
    path.write_text(f"{before}{LOAD_START}\n{table}\n{LOAD_END}{after}")
