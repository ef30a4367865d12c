"""Live-session fan-out through a real ASGI server on the Redis channel layer.

The measurement for issue #4 (PostgreSQL, 2 daphne processes, Redis on localhost; ~3 minutes):

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/verbatim \
        .venv/bin/python bench/live_fanout.py --redis-url redis://127.0.0.1:6379/12

and the embedded default (SQLite, so one daphne process): the same without BENCH_DATABASE_URL.
Options: [--duration 60] [--participants 200] [--observers 5] [--rate 1] [--workers 2] [--grace 5].
The Redis database given is flushed first. With a PostgreSQL URL the run creates a new empty
database named after it on that server (`<name>_fanout_<random>`) and drops it at the end, so
repeated runs start alike and never touch the named database itself.

Starts --workers `daphne config.asgi:application` processes with channels-redis (REDIS_URL) on a
fresh database (a SQLite file in a temporary folder under var/, or BENCH_DATABASE_URL), seeds one
running live session with --participants participants and --observers clients, opens one
signed-in WebSocket each (spread over the processes, as a proxy would), and lets every participant
write --rate lines a minute (Poisson arrivals; default 1: a focus-group participant answering the
moderator writes well under that) for --duration seconds. Every line carries a token; each socket
records when it saw it.

Prints delivery latency (send -> each recipient's socket) p50/p95/p99, messages lost (expected
deliveries never seen) and duplicated (a socket seeing the same stream number twice), both of
which must be 0, and a raw Redis PUBLISH -> subscriber round trip measured during the same load.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

SEED = r"""
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY
from community.models import Community, Discussion, Membership, LiveSession, Role
from community.events import post_events_muted

n_part, n_obs = int(sys.argv[1]), int(sys.argv[2])
User = get_user_model()
community = Community.objects.create(name="Bench", slug="bench", brand_name="Bench")
discussion = Discussion.objects.create(community=community, title="Bench live", kind="live", is_draft=False)
LiveSession.objects.create(discussion=discussion, community=community, state="running")
users = [User(username=f"p{i}") for i in range(n_part)] + [User(username=f"c{i}") for i in range(n_obs)]
for u in users:
    u.set_unusable_password()
User.objects.bulk_create(users)
users = list(User.objects.order_by("id"))
Membership.objects.bulk_create([
    Membership(user=u, community=community, role=Role.PARTICIPANT if u.username.startswith("p") else Role.CLIENT,
               pseudonym=f"Member {u.username}", consent_version=community.consent_version)
    for u in users
])
out = {"discussion": discussion.pk, "participants": [], "observers": []}
for u in users:
    s = SessionStore()
    s[SESSION_KEY] = str(u.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = u.get_session_auth_hash()
    s.create()
    out["participants" if u.username.startswith("p") else "observers"].append(s.session_key)
print(json.dumps(out))
"""


def scratch_postgres_database(url: str) -> tuple[str, Callable[[], None]]:
    """A new, empty database on the server of `url` (named after it), and a function that drops it:
    every run starts from the same empty state, and runs never collide."""
    import psycopg

    parsed = urlparse(url)
    name = f"{parsed.path.lstrip('/') or 'verbatim'}_fanout_{secrets.token_hex(3)}"
    admin = urlunparse(parsed._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunparse(parsed._replace(path=f"/{name}")), drop


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


class Client:
    def __init__(self, name: str, session_key: str, *, sender: bool):
        self.name = name
        self.session_key = session_key
        self.sender = sender
        self.seen_seqs: set[int] = set()
        self.duplicates = 0
        self.arrivals: dict[str, float] = {}  # token -> perf_counter at receipt
        self.ws = None
        self.welcomed = asyncio.Event()
        self.errors: list[dict] = []
        self.reconnects = 0
        self.acks: dict[str, float] = {}  # client_id -> perf_counter when the server said "stored"
        self.failure: Exception | None = None

    async def run(self, url: str, origin: str) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidHandshake

        for attempt in range(5):  # a browser reconnects too when the handshake times out
            try:
                self.ws = await connect(
                    url,
                    additional_headers={"Cookie": f"sessionid={self.session_key}", "Origin": origin},
                    max_queue=None,
                    open_timeout=60,
                )
                break
            except (OSError, InvalidHandshake) as exc:
                self.reconnects += 1
                if attempt == 4:
                    self.failure = exc
                    self.welcomed.set()  # wake the waiting connect wave, which reports it
                    return
                await asyncio.sleep(1 + attempt)
        async for raw in self.ws:
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "message" and frame.get("stream") == "room":
                now = time.perf_counter()
                if frame["seq"] in self.seen_seqs:
                    self.duplicates += 1
                    continue
                self.seen_seqs.add(frame["seq"])
                body = frame.get("body", "")
                if body.startswith("bench "):
                    self.arrivals[body.split(" ", 2)[1]] = now
            elif kind == "ack":
                self.acks[frame["client_id"]] = time.perf_counter()
            elif kind == "welcome":
                self.welcomed.set()
            elif kind == "error":
                self.errors.append(frame)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


async def load(args, ports: list[int], keys: dict, redis_url: str, server_pids: list[int]) -> dict:
    import redis.asyncio as aredis

    clients = [Client(f"p{i}", k, sender=True) for i, k in enumerate(keys["participants"])]
    clients += [Client(f"c{i}", k, sender=False) for i, k in enumerate(keys["observers"])]
    tasks = []
    t_connect = time.perf_counter()
    wave = args.connect_wave
    for i in range(0, len(clients), wave):  # connect in small waves, as people arrive
        for c in clients[i : i + wave]:
            # Sockets spread over the ASGI processes, as a proxy in front of them would.
            port = ports[clients.index(c) % len(ports)]
            url = f"ws://127.0.0.1:{port}/ws/live/{keys['discussion']}/"
            tasks.append(asyncio.create_task(c.run(url, f"http://127.0.0.1:{port}")))
        await asyncio.gather(*(c.welcomed.wait() for c in clients[i : i + wave]))
        failed = [c for c in clients[i : i + wave] if c.failure is not None]
        if failed:
            raise SystemExit(
                f"{len(failed)} sockets could not connect after 5 attempts (first: {failed[0].failure!r}); "
                "daphne refuses a handshake the application does not accept within 5 s: is the machine "
                f"overloaded (load average {os.getloadavg()[0]:.1f})?"
            )
        print(f"  {min(i + wave, len(clients))} connected", flush=True)
    print(
        f"{len(clients)} sockets connected in {time.perf_counter() - t_connect:.1f}s "
        f"({sum(c.reconnects for c in clients)} handshakes retried)",
        flush=True,
    )
    await asyncio.sleep(1.0)
    cpu_before = sum(cpu_seconds(pid) for pid in server_pids)
    me_before = cpu_seconds(os.getpid())

    sent: dict[str, float] = {}
    sent_ids: dict[str, tuple[Client, float]] = {}
    period = 60.0 / args.rate
    stop_at = time.perf_counter() + args.duration

    async def speak(c: Client) -> None:
        await asyncio.sleep(min(random.uniform(0, period), args.duration))
        while time.perf_counter() < stop_at:
            token = uuid.uuid4().hex
            frame = {
                "type": "send",
                "stream": "room",
                "client_id": str(uuid.uuid4()),
                "body": f"bench {token} I mostly shop on my phone these days.",
            }
            sent[token] = time.perf_counter()
            sent_ids[frame["client_id"]] = (c, sent[token])
            await c.ws.send(json.dumps(frame))
            # Never sleep past the end of the run (exponential gaps can be long).
            await asyncio.sleep(
                min(random.expovariate(1.0 / period), max(0.0, stop_at - time.perf_counter()))
            )

    # Raw Redis pub/sub round trip under the same load, for reference.
    r = aredis.Redis.from_url(redis_url)
    pubsub = r.pubsub()
    channel = f"bench-rtt-{secrets.token_hex(4)}"
    await pubsub.subscribe(channel)
    rtts: list[float] = []

    async def redis_probe() -> None:
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            await r.publish(channel, str(t0))
            while True:
                msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
                if msg is None or msg["type"] == "message":
                    break
            rtts.append(time.perf_counter() - t0)
            await asyncio.sleep(0.1)

    await asyncio.gather(*(speak(c) for c in clients if c.sender), redis_probe())
    cpu_load = sum(cpu_seconds(pid) for pid in server_pids) - cpu_before
    me_load = cpu_seconds(os.getpid()) - me_before
    await asyncio.sleep(args.grace)  # let the last lines arrive
    await pubsub.unsubscribe(channel)
    await r.aclose()

    stored = [c.acks[cid] - t0 for cid, (c, t0) in sent_ids.items() if cid in c.acks]
    latencies, lost = [], 0
    for c in clients:
        for token, t0 in sent.items():
            t1 = c.arrivals.get(token)
            if t1 is None:
                lost += 1
            else:
                latencies.append(t1 - t0)
    # Close all at once (one by one, a slow server would make each close wait for its timeout).
    with contextlib.suppress(Exception):
        await asyncio.wait_for(asyncio.gather(*(c.ws.close() for c in clients), return_exceptions=True), 15)
    for t in tasks:
        t.cancel()
    return {
        "sent": len(sent),
        "deliveries": len(latencies),
        "lost": lost,
        "duplicated": sum(c.duplicates for c in clients),
        "errors": sum(len(c.errors) for c in clients),
        "error_sample": next((c.errors[0] for c in clients if c.errors), None),
        "latency_ms": [pct(latencies, p) * 1000 for p in (50, 95, 99)],
        "stored_ms": [pct(stored, p) * 1000 for p in (50, 95, 99)],
        "redis_rtt_ms": [pct(rtts, p) * 1000 for p in (50, 95, 99)],
        "redis_samples": len(rtts),
        "server_cpu": cpu_load,
        "client_cpu": me_load,
    }


def main() -> None:
    # A killed bench must still stop its daphne (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--observers", type=int, default=5)
    parser.add_argument(
        "--rate", type=float, default=1.0, help="lines per participant per minute (default 1)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="daphne processes sharing the sockets (default 2, one per core)",
    )
    parser.add_argument("--grace", type=float, default=5.0, help="seconds to wait for the last lines")
    parser.add_argument(
        "--connect-wave", type=int, default=20, help="sockets opened at a time before the load (default 20)"
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="live-fanout-", dir=ROOT / "var"))
    db_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{work / 'bench.sqlite3'}"
    if urlparse(db_url).scheme in {"postgres", "postgresql"}:
        db_url, drop_database = scratch_postgres_database(db_url)
        atexit.register(drop_database)  # also on SystemExit and on SIGTERM (sys.exit below)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=db_url,
        REDIS_URL=args.redis_url,
        VERBATIM_VAR_DIR=str(work / "var"),
        SECRET_KEY=secrets.token_urlsafe(50),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    (work / "var").mkdir()
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    subprocess.run(
        [PY, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    seeded = subprocess.run(
        [PY, "-c", SEED, str(args.participants), str(args.observers)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    keys = json.loads(seeded.stdout.strip().splitlines()[-1])

    if db_url.startswith("sqlite") and args.workers > 1:
        # SQLite takes one writer at a time: the embedded default is one ASGI process.
        print("SQLite database: running one daphne process (set BENCH_DATABASE_URL for PostgreSQL)")
        args.workers = 1
    ports = [free_port() for _ in range(args.workers)]
    logs, servers = [], []
    for n, port in enumerate(ports):
        logs.append((work / f"daphne-{n}.log").open("wb"))
        command = [PY, *(os.environ.get("LIVE_BENCH_SERVER", "-m daphne").split())]
        command += ["-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
        servers.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=logs[-1], stderr=subprocess.STDOUT)
        )
    try:
        deadline = time.monotonic() + 60
        for port, server in zip(ports, servers, strict=True):
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit(f"daphne did not start; see {work}") from None
                    time.sleep(0.2)
        result = asyncio.run(load(args, ports, keys, args.redis_url, [s.pid for s in servers]))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        for log in logs:
            log.close()

    p50, p95, p99 = result["latency_ms"]
    r50, r95, r99 = result["redis_rtt_ms"]
    print(
        f"participants={args.participants} observers={args.observers} rate={args.rate}/min "
        f"duration={args.duration:.0f}s daphne processes={args.workers} cpus={os.cpu_count()}"
    )
    print(
        f"lines sent: {result['sent']}  deliveries: {result['deliveries']}  "
        f"(expected {result['sent'] * (args.participants + args.observers)})"
    )
    print(f"delivery latency ms: p50={p50:.1f} p95={p95:.1f} p99={p99:.1f}  (goal p95 <= 150)")
    s50, s95, s99 = result["stored_ms"]
    print(f"  of which send -> stored (the sender's ack) ms: p50={s50:.1f} p95={s95:.1f} p99={s99:.1f}")
    print(
        f"CPU during the load: server {result['server_cpu']:.1f}s, these 205 clients "
        f"{result['client_cpu']:.1f}s, over {args.duration:.0f}s; "
        f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"messages lost: {result['lost']}  duplicated: {result['duplicated']}  error frames: {result['errors']}"
    )
    if result["error_sample"]:
        print(f"first error frame: {result['error_sample']}")
    print(
        f"raw Redis pub/sub round trip ms (same run, {result['redis_samples']} samples): "
        f"p50={r50:.2f} p95={r95:.2f} p99={r99:.2f}"
    )
    if result["lost"] or result["duplicated"] or result["errors"]:
        print(f"server logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if result["lost"] or result["duplicated"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
