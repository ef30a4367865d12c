"""A live session through a real daphne process on Redis (the pub/sub layer for live groups)."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.integration.conftest import Process, login_over_http, run_python

pytestmark = pytest.mark.integration
TIMEOUT = 15.0

SEED = """
import json
import django
django.setup()
from django.contrib.auth import get_user_model
from community.models import Community, Discussion, LiveQuestion, LiveSession, Membership, Role
User = get_user_model()
community, _ = Community.objects.get_or_create(slug="live-int", defaults={"name": "Live int", "brand_name": "Acme"})
for username, role in (("ina", Role.MODERATOR), ("omar", Role.PARTICIPANT)):
    Membership.objects.get_or_create(
        user=User.objects.get(username=username), community=community,
        defaults={"role": role, "pseudonym": username.title() + " Pseudo", "consent_version": community.consent_version},
    )
discussion = Discussion.objects.create(community=community, title="Live", kind="live", is_draft=False)
session = LiveSession.objects.create(discussion=discussion, community=community)
question = LiveQuestion.objects.create(session=session, text="What did you buy?")
print(json.dumps({"discussion": discussion.pk, "question": question.pk}))
"""


@pytest.fixture(scope="module")
def live_seed(seeded, integration_env) -> dict[str, int]:
    return json.loads(run_python(SEED, env=integration_env).strip().splitlines()[-1])


async def open_live(server: Process, session: str, discussion: int, query: str = "") -> ClientConnection:
    return await connect(
        f"{server.extra['ws_url']}/ws/live/{discussion}/{query}",
        additional_headers={"Cookie": f"sessionid={session}", "Origin": server.extra["base_url"]},
        open_timeout=TIMEOUT,
    )


async def next_frame(ws: ClientConnection, type_: str, **match: Any) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
        if frame["type"] == type_ and all(frame.get(k) == v for k, v in match.items()):
            return frame


def test_it_runs_a_live_exchange_through_daphne_and_replays_it_after_a_reconnect(asgi_server, live_seed):
    ina = login_over_http(asgi_server.extra["base_url"], "ina")
    omar = login_over_http(asgi_server.extra["base_url"], "omar")
    discussion = live_seed["discussion"]

    async def scenario():
        async with (
            await open_live(asgi_server, ina, discussion) as mod,
            await open_live(asgi_server, omar, discussion) as part,
        ):
            await next_frame(mod, "welcome")
            await next_frame(part, "welcome")
            await mod.send(json.dumps({"type": "question_push", "question_id": live_seed["question"]}))
            question = await next_frame(part, "message", kind="question")
            client_id = str(uuid.uuid4())
            line = {"type": "send", "stream": "room", "body": "Bread, mostly.", "client_id": client_id}
            await part.send(json.dumps(line))
            seen_by_mod = await next_frame(mod, "message", kind="message")
            await part.send(json.dumps(line))  # a retry after a doubtful network
            retry_ack = await next_frame(part, "ack", duplicate=True)
        # Reconnect having seen only the question: the answer comes back from the database.
        async with await open_live(asgi_server, omar, discussion, f"?room={question['seq']}") as again:
            await next_frame(again, "welcome")
            replayed = await next_frame(again, "message")
        return question, seen_by_mod, retry_ack, replayed

    question, seen_by_mod, retry_ack, replayed = asyncio.run(scenario())
    assert question["body"] == "What did you buy?"
    assert seen_by_mod["body"] == "Bread, mostly." and seen_by_mod["author"].endswith("(Omar Pseudo)")
    assert retry_ack["duplicate"] is True and retry_ack["seq"] == seen_by_mod["seq"]
    assert replayed["seq"] == seen_by_mod["seq"] and replayed["body"] == "Bread, mostly."
