"""A real `celery -A config worker` process consuming from Redis, reading the shared database."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from websockets.asyncio.client import connect

from tests.integration.conftest import login_over_http, wait_until

pytestmark = pytest.mark.integration

TASK_TIMEOUT = 60.0


def expected_vendor(integration_database_url: str) -> str:
    return "sqlite" if integration_database_url.startswith("sqlite") else "postgresql"


@pytest.mark.parametrize("queue", ["default", "analysis"])
def test_it_runs_a_task_from_each_queue_in_a_worker_that_sees_the_database(
    queue, celery_worker, task_sender, ping_results, seeded, integration_database_url
):
    token = f"{queue}-{uuid.uuid4().hex}"

    task_sender.send_task("verbatim.ping", kwargs={"token": token, "user_id": seeded["omar"]}, queue=queue)

    result = wait_until(
        lambda: ping_results(token),
        timeout=TASK_TIMEOUT,
        what=f"verbatim.ping on {queue}",
        process=celery_worker,
    )
    assert result["username"] == "omar"
    assert result["database"] == expected_vendor(integration_database_url)
    assert "Task verbatim.ping[" in celery_worker.log()


def test_it_reports_no_user_for_an_id_the_database_does_not_have(celery_worker, task_sender, ping_results):
    token = f"missing-{uuid.uuid4().hex}"

    task_sender.send_task("verbatim.ping", kwargs={"token": token, "user_id": 987654321}, queue="default")

    result = wait_until(
        lambda: ping_results(token), timeout=TASK_TIMEOUT, what="verbatim.ping", process=celery_worker
    )
    assert result["username"] is None


def test_it_pushes_from_a_worker_task_to_the_users_socket_on_the_asgi_server(
    celery_worker, asgi_server, task_sender, seeded
):
    """Broker -> worker -> database -> Redis channel layer -> daphne -> the user's browser socket."""
    session = login_over_http(asgi_server.extra["base_url"], "ina")
    token = f"push-{uuid.uuid4().hex}"

    async def scenario() -> dict:
        async with connect(
            f"{asgi_server.extra['ws_url']}/ws/notifications/",
            origin=asgi_server.extra["base_url"],
            additional_headers={"Cookie": f"sessionid={session}"},
            proxy=None,
        ) as socket:
            hello = json.loads(await asyncio.wait_for(socket.recv(), 10))
            assert hello == {"type": "hello", "username": "ina"}
            task_sender.send_task(
                "verbatim.ping", kwargs={"token": token, "user_id": seeded["ina"]}, queue="default"
            )
            return json.loads(await asyncio.wait_for(socket.recv(), TASK_TIMEOUT))

    assert asyncio.run(scenario()) == {"type": "notify", "kind": "ping", "data": {"token": token}}
