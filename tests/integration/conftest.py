"""Real processes for the integration tests: a Celery worker and an ASGI server (daphne), on Redis.

Why not pytest-django's test database: on SQLite it lives in this process's memory, and whatever a
test writes sits in a transaction no other process can see. So these processes get a database of
their own, built with `migrate` and seeded by a subprocess: a temporary SQLite file on
the embedded default, or `<name>_integration` on the PostgreSQL server named by DATABASE_URL. The
tests then judge what the processes did from the outside: through Redis, HTTP and WebSocket.

Redis: REDIS_URL when it is set (CI's second pass); otherwise the machine's Redis at
redis://127.0.0.1:6379/11 (override with VERBATIM_TEST_REDIS_URL), so the embedded pass runs these
tests too. Without a reachable Redis they FAIL when CI is set and are skipped, with the reason,
elsewhere (`make test` must pass on a laptop with nothing but Python).
"""

from __future__ import annotations

import ctypes
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest

from config.env import database_from_url

REPO = Path(__file__).resolve().parents[2]
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/11"
START_TIMEOUT = 60.0
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# The personas living in the integration database; all share one password.
PASSWORD = "integration horse battery"
USERNAMES = ("ina", "omar")


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """A missing service fails the run in CI and skips (with the reason) elsewhere."""
    if running_in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], Any], *, timeout: float, what: str, process: Process | None = None) -> Any:
    """Poll `check` until it returns something truthy; fail with the process log if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.popen.poll() is not None:
            pytest.fail(
                f"{process.name} exited with {process.popen.returncode} while waiting for {what}.\n{process.log_tail()}"
            )
        value = check()
        if value:
            return value
        time.sleep(0.1)
    tail = process.log_tail() if process is not None else ""
    pytest.fail(f"Timed out after {timeout:.0f}s waiting for {what}.\n{tail}")


@dataclass
class Process:
    """A child process in its own process group, logging to a file."""

    name: str
    popen: subprocess.Popen
    log_path: Path
    extra: dict[str, Any] = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return f"--- last lines of {self.name} log ({self.log_path}) ---\n" + "\n".join(
            self.log().splitlines()[-lines:]
        )

    def stop(self) -> None:
        if self.popen.poll() is None:
            # The whole group, so nothing the process forked outlives the test run.
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)


def _own_group_and_die_with_parent() -> None:
    """Runs in the child before exec: its own process group (so stop() can kill the group), and
    SIGTERM when pytest dies, so a killed test run leaves no worker or server behind."""
    os.setsid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the fixture finalizers still stop the process


def start_process(name: str, args: list[str], *, env: dict[str, str], log_dir: Path) -> Process:
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log_file:
        popen = subprocess.Popen(
            args,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            preexec_fn=_own_group_and_die_with_parent,
        )
    return Process(name=name, popen=popen, log_path=log_path)


def run_python(code: str, *, env: dict[str, str], timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        pytest.fail(
            f"Subprocess failed ({result.returncode}):\n{code}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result.stdout


def run_manage(*args: str, env: dict[str, str], timeout: float = 180) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


@pytest.fixture(scope="package")
def integration_redis_url() -> str:
    url = os.environ.get("REDIS_URL") or os.environ.get("VERBATIM_TEST_REDIS_URL") or DEFAULT_TEST_REDIS_URL
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis is not reachable at {url}: {exc}. Start it or set REDIS_URL.")
    return url


@pytest.fixture(scope="package")
def integration_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("integration")


@pytest.fixture(scope="package")
def integration_database_url(integration_dir: Path) -> Iterator[str]:
    """A database only the integration processes use; dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    config = database_from_url(url, var_dir=integration_dir) if url else {"ENGINE": "sqlite3"}
    if "postgresql" not in config["ENGINE"]:
        yield f"sqlite:///{integration_dir / 'integration.sqlite3'}"
        return

    import psycopg
    from psycopg import sql

    name = f"{config['NAME']}_integration"[:63]
    admin = {
        "dbname": "postgres",
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
    }

    def recreate(*, create: bool) -> None:
        with psycopg.connect(**{k: v for k, v in admin.items() if v}, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            if create:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    recreate(create=True)
    parsed = urlparse(url)
    try:
        yield urlunparse(parsed._replace(path=f"/{name}", query=""))
    finally:
        recreate(create=False)


@pytest.fixture(scope="package")
def integration_env(
    integration_database_url: str, integration_redis_url: str, integration_dir: Path
) -> dict[str, str]:
    """Environment for every subprocess: the private database, Redis, non-eager Celery."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_ALLOW_ASYNC", "CELERY_"))
    }
    var_dir = integration_dir / "var"
    var_dir.mkdir(exist_ok=True)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": integration_database_url,
            "REDIS_URL": integration_redis_url,
            "VERBATIM_VAR_DIR": str(var_dir),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",
        }
    )
    return env


@pytest.fixture(scope="package")
def seeded(integration_env: dict[str, str]) -> dict[str, int]:
    """Migrate the private database and create the personas; returns {username: user id}."""
    run_manage("migrate", "--noinput", env=integration_env)
    code = f"""
import json
import django
django.setup()
from django.contrib.auth import get_user_model
User = get_user_model()
ids = {{}}
for username in {list(USERNAMES)!r}:
    user = User.objects.create_user(username=username, email=username + "@example.com", password={PASSWORD!r})
    ids[username] = user.pk
print(json.dumps(ids))
"""
    return json.loads(run_python(code, env=integration_env).strip().splitlines()[-1])


@pytest.fixture(scope="package")
def celery_worker(
    seeded: dict[str, int], integration_env: dict[str, str], integration_dir: Path
) -> Iterator[Process]:
    """`celery -A config worker -Q default,analysis` as production runs it, with one solo process."""
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "-Q",
        "default,analysis",
        "--pool=solo",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
        "-n",
        f"integration-{os.getpid()}@%h",
    ]
    process = start_process("celery-worker", args, env=integration_env, log_dir=integration_dir)
    try:
        # Celery logs "<name> ready." once it consumes from every queue.
        wait_until(
            lambda: " ready." in process.log(),
            timeout=START_TIMEOUT,
            what="the Celery worker",
            process=process,
        )
        yield process
    finally:
        process.stop()


def http_get(url: str, *, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def login_over_http(base_url: str, username: str, password: str = PASSWORD) -> str:
    """Sign in through the real login form, as a browser would; returns the session cookie's value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    with opener.open(f"{base_url}/login/", timeout=10) as response:
        page = response.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, f"No CSRF token on {base_url}/login/:\n{page[:2000]}"
    form = {"csrfmiddlewaretoken": match.group(1), "username": username, "password": password}
    request = urllib.request.Request(f"{base_url}/login/", data=urllib.parse.urlencode(form).encode())
    try:
        with opener.open(request, timeout=10) as response:
            status, body = response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        status, body = exc.code, ""
    session = {cookie.name: cookie.value for cookie in jar}.get("sessionid")
    assert status == 302 and session, f"Login as {username} failed (HTTP {status}):\n{body[:2000]}"
    return session


@pytest.fixture(scope="package")
def asgi_server(
    seeded: dict[str, int], integration_env: dict[str, str], integration_dir: Path
) -> Iterator[Process]:
    """`daphne config.asgi:application` on a free port; `.extra["base_url"]`, `.extra["ws_url"]`."""
    port = free_port()
    args = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
    process = start_process("daphne", args, env=integration_env, log_dir=integration_dir)
    base_url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return http_get(f"{base_url}/health/", timeout=2)[0] == 200
        except OSError:
            return False

    try:
        wait_until(
            healthy, timeout=START_TIMEOUT, what=f"daphne to answer {base_url}/health/", process=process
        )
        process.extra.update(base_url=base_url, ws_url=f"ws://127.0.0.1:{port}")
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="package")
def ping_results(integration_redis_url: str) -> Callable[[str], dict[str, Any] | None]:
    """Read what `verbatim.ping` stored, through the same cache backend the worker writes with."""
    from django.core.cache.backends.redis import RedisCache

    from config.tasks import PING_CACHE_PREFIX

    cache = RedisCache(integration_redis_url, {})
    return lambda token: cache.get(f"{PING_CACHE_PREFIX}{token}")


@pytest.fixture(scope="package")
def task_sender(integration_redis_url: str) -> Iterator[Any]:
    """A bare Celery client on the worker's broker: it knows tasks only by name, like a web process."""
    from celery import Celery

    sender = Celery("integration-sender", broker=integration_redis_url)
    sender.conf.broker_connection_retry_on_startup = True
    try:
        yield sender
    finally:
        sender.close()
