"""Imports started from the browser: the upload and its progress live in files under var/imports/.

Files, not the database: the import holds its transaction open until the end, so progress
written to the database would not be seen (and on SQLite would wait for the lock). Files are
shared by every worker process on the machine.
"""

import json
import secrets
import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection

from orgdesign.transfer.load import apply, make_plan
from orgdesign.transfer.read import ImportRefused, read


def folder():
    path = Path(getattr(settings, "IMPORT_FOLDER", settings.BASE_DIR / "var" / "imports"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _state_path(token):
    if not token.isalnum():
        raise FileNotFoundError(token)
    return folder() / f"{token}.json"


def state(token):
    return json.loads(_state_path(token).read_text())


def _save(token, **changes):
    path = _state_path(token)
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(changes)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(current, ensure_ascii=False, default=str))
    temporary.replace(path)  # readers never see half a file
    return current


def _forget_old_uploads(days=2):
    """Uploads and reports older than `days` go: they hold people's data and are never needed again."""
    import time

    cutoff = time.time() - days * 24 * 3600
    for path in folder().iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _changes(plan, limit=500):
    """The first rows the import would create or change, with what identifies them."""
    from orgdesign.transfer.layout import BY_NAME
    from orgdesign.transfer.load import CHANGE, CREATE

    rows = []
    for sheet, number, action, row in plan.rows_with_actions():
        if action in (CREATE, CHANGE):
            key = " / ".join(str(row.get(column, "")) for column in BY_NAME[sheet].key)
            rows.append({"sheet": sheet, "row": number, "action": action, "key": key})
            if len(rows) >= limit:
                break
    return rows


def check(data, filename, user):
    """Read and check an upload; keep it for applying. Returns (token, plan)."""
    rows, problems = read(data, filename)
    plan = make_plan(rows)
    plan.problems[:0] = problems
    token = secrets.token_hex(16)
    _forget_old_uploads()
    if not plan.problems:  # a refused file is never applied, so it is not kept
        (folder() / f"{token}.upload").write_bytes(data)
    _save(
        token, user=user.pk, filename=filename, state="checked", counts=plan.counts(),
        problems=[p.as_dict() for p in plan.problems[:500]], problem_count=len(plan.problems),
        changes=_changes(plan),
        step="", done=0, total=1,
    )  # fmt: skip
    return token, plan


def _run(token, user):
    try:
        current = state(token)
        rows, problems = read((folder() / f"{token}.running").read_bytes(), current["filename"])
        plan = make_plan(rows)
        plan.problems[:0] = problems

        def progress(step, done, total):
            _save(token, step=str(step), done=done, total=total)

        counts = apply(plan, user=user, progress=progress)
        _save(token, state="done", counts=counts)
    except ImportRefused as refused:  # the data changed since the check
        _save(token, state="failed", problems=[p.as_dict() for p in refused.problems[:500]],
              problem_count=len(refused.problems))  # fmt: skip
    except Exception as error:  # noqa: BLE001 - reported to the person waiting, and logged
        import logging

        logging.getLogger(__name__).exception("import %s failed", token)
        _save(token, state="failed", problems=[{"sheet": "", "row": None, "column": None, "message": str(error)}],
              problem_count=1)  # fmt: skip
    finally:
        (folder() / f"{token}.running").unlink(missing_ok=True)


def _in_thread(token, user):
    """The background run owns its database connection: a fresh one in, closed on the way out."""
    close_old_connections()
    try:
        _run(token, user)
    finally:
        connection.close()


def start(token, user, *, background=True):
    """Apply a checked upload; in the background (the page follows its progress) unless told otherwise."""
    if state(token).get("state") != "checked":
        return
    try:  # renaming is atomic: of two requests to apply the same upload, one wins
        (folder() / f"{token}.upload").rename(folder() / f"{token}.running")
    except FileNotFoundError:
        return
    _save(token, state="running", step="", done=0, total=9)
    if background:
        threading.Thread(target=_in_thread, args=(token, user), daemon=True, name=f"import-{token[:8]}").start()
    else:
        _run(token, user)
