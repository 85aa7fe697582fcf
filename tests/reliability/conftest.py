"""A real server (gunicorn, production settings, two workers) on 127.0.0.1, reaching PostgreSQL through a proxy.

The proxy stands for the database's network: stopping it cuts every open connection and refuses
new ones, as a stopped or unreachable database server does, and starting it again is the
database coming back. The server reads the test database, so the tests use `transactional_db`
and what they create is committed where the server sees it.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests import seed_snapshot

ROOT = Path(__file__).resolve().parents[2]
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://…), as in CI"
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Proxy:
    """TCP forwarding from a port of 127.0.0.1 to the database, which can be stopped and started again."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.port = free_port()
        self._listener = None
        self._open = set()
        self._lock = threading.Lock()

    def start(self):
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.1)
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def stop(self):
        """Refuse new connections and cut the open ones."""
        listener, self._listener = self._listener, None
        listener.close()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener):
        while self._listener is listener:  # ends when stopped
            try:
                client, _address = listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer of its own here


_opener = urllib.request.build_opener(_NoRedirect)


class Served:
    """The running server: `get`/`send` return (status, headers, body); redirects are not followed."""

    def __init__(self, port, proxy):
        self.base = f"http://127.0.0.1:{port}"
        self.proxy = proxy

    def send(self, method, path, *, token=None, body=None, form=None, headers=None, cookie=None):
        request = urllib.request.Request(self.base + path, method=method, headers=dict(headers or {}))
        if token:
            request.add_header("Authorization", f"Token {token}")
        if cookie:
            request.add_header("Cookie", cookie)
        if body is not None:
            request.data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
        if form is not None:
            request.data = urllib.parse.urlencode(form).encode()
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with _opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def get(self, path, **options):
        return self.send("GET", path, **options)


@pytest.fixture
def served(transactional_db, tmp_path):
    # An earlier live-server test's flush emptied every table: put back what the migrations made
    # (roles, rating bands, the appraisal policy), as every other test finds it.
    seed_snapshot.baseline.restore()
    database = settings.DATABASES["default"]
    proxy = Proxy(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    proxy.start()
    user = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    port = free_port()
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "orgdesign.settings_test", "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1", "API_RATE": "100000/min",
        "DATABASE_URL": f"postgres://{user}@127.0.0.1:{proxy.port}/{database['NAME']}", "CONN_MAX_AGE": "60",
    }  # fmt: skip
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115  (written while the server runs)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "orgdesign.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--timeout", "60", "--graceful-timeout", "5"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError((tmp_path / "gunicorn.log").read_text()[-3000:]) from None
                time.sleep(0.2)
        yield Served(port, proxy)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        if proxy._listener is not None:
            proxy.stop()
