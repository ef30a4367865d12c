"""The moderator's console follows the session's state: the page enables only the buttons that work
now, and the socket refuses the others with an error that says why (an ended session says when)."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import LiveMessage, LiveSession, LiveState
from community.services.live import (
    live_input_pause,
    live_message_send,
    live_question_push,
    live_session_end,
    live_session_start,
)
from tests.community.live_helpers import make_live, open_socket
from tests.conftest import membership_of

ENDED_AT = datetime(2026, 11, 19, 21, 7, tzinfo=UTC)


@pytest.fixture
def live(community, alice, bob, carol):
    return make_live(community)


def run(coro):
    return asyncio.run(coro)


def end_at(session: LiveSession, moment: datetime = ENDED_AT) -> None:
    """End the session the way the console does, then date the end (the message names the time)."""
    moderator = session.community.memberships.get(user__username="alice")
    live_session_end(moderator=moderator, session=session)
    LiveSession.objects.filter(pk=session.pk).update(ended_at=moment)


# --- the socket: refused actions name why -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_every_console_action_on_an_ended_session_is_refused_naming_when_it_ended(live, alice, bob):
    discussion, session = live
    mod = membership_of(alice, discussion.community)
    question = session.questions.first()
    live_session_start(moderator=mod, session=session)
    said, _ = live_message_send(
        author=membership_of(bob, discussion.community),
        session=session,
        stream="room",
        body="Points never arrive.",
        client_id=uuid.uuid4(),
    )
    end_at(session)
    bob_member = membership_of(bob, discussion.community)
    before = LiveMessage.objects.filter(session=session).count()
    actions = [
        {"type": "start"},
        {"type": "pause"},
        {"type": "resume_input"},
        {"type": "end"},
        {"type": "question_push", "question_id": question.pk},
        {"type": "spotlight", "seq": said.seq},
        {"type": "question_add", "text": "One more?"},
    ]

    async def scenario():
        socket, welcome = await open_socket(alice, discussion.pk)
        await socket.drain()
        refusals = []
        for action in actions:
            await socket.send(**action)
            refusals.append(await socket.next("error"))
        await socket.say("A probe after the end", stream="probe", recipient=bob_member.pk)
        probe = await socket.next("error")
        await socket.close()
        return welcome, refusals, probe

    welcome, refusals, probe = run(scenario())
    assert welcome["session"]["state"] == "ended"
    assert welcome["session"]["ended_at"] == ENDED_AT.isoformat()
    for action, frame in zip(actions, refusals, strict=True):
        assert frame["action"] == action["type"]
        assert frame["field"] == "state"
        assert frame["message"].startswith("This session ended at 21:07 UTC on 19 Nov 2026;"), frame
    by_action = {frame["action"]: frame["message"] for frame in refusals}
    assert by_action["start"].endswith("an ended session cannot be started again.")
    assert by_action["end"].endswith("it cannot be ended twice.")
    assert by_action["question_push"].endswith("questions can no longer be pushed.")
    assert by_action["question_add"].endswith("its guide can no longer change.")
    assert probe["field"] == "state" and "ended at 21:07 UTC" in probe["message"] and "action" not in probe
    # Nothing was stored or changed by any of them.
    assert LiveMessage.objects.filter(session=session).count() == before
    session.refresh_from_db()
    assert session.state == LiveState.ENDED and session.ended_at == ENDED_AT
    assert session.questions.count() == 2 and session.spotlight_id is None


@pytest.mark.django_db(transaction=True)
def test_an_action_the_state_does_not_allow_is_refused_with_what_to_do_instead(live, alice):
    discussion, session = live

    async def scenario():
        socket, _ = await open_socket(alice, discussion.pk)
        frames = {}
        await socket.send(type="pause")
        frames["pause while scheduled"] = await socket.next("error")
        await socket.send(type="resume_input")
        frames["resume while scheduled"] = await socket.next("error")
        await socket.send(type="start")
        await socket.next("message", kind="system")
        await socket.send(type="start")
        frames["start while running"] = await socket.next("error")
        await socket.send(type="resume_input")
        frames["resume while running"] = await socket.next("error")
        await socket.send(type="pause")
        await socket.next("message", kind="system")
        await socket.send(type="pause")
        frames["pause while paused"] = await socket.next("error")
        await socket.send(type="start")
        frames["start while paused"] = await socket.next("error")
        await socket.close()
        return frames

    frames = run(scenario())
    assert {f["field"] for f in frames.values()} == {"state"}
    assert frames["pause while scheduled"]["message"] == (
        "The session has not started yet, so there is nothing to pause."
    )
    assert "Start session" in frames["resume while scheduled"]["message"]
    assert frames["start while running"]["message"] == "The session is already running."
    assert frames["resume while running"]["message"] == "Input is already open."
    assert frames["pause while paused"]["message"] == "Input is already paused."
    assert "use Resume input" in frames["start while paused"]["message"]
    session.refresh_from_db()
    assert session.state == LiveState.PAUSED


@pytest.mark.django_db(transaction=True)
def test_a_participants_line_after_the_end_is_refused_naming_the_end_without_a_console_action(
    live, alice, bob
):
    discussion, session = live
    live_session_start(moderator=membership_of(alice, discussion.community), session=session)
    end_at(session, timezone.now().replace(hour=21, minute=7))

    async def scenario():
        socket, _ = await open_socket(bob, discussion.pk)
        await socket.drain()
        await socket.say("Am I too late?")
        refused = await socket.next("error")
        await socket.send(type="start")  # not theirs to do, whatever the state
        not_allowed = await socket.next("error")
        await socket.close()
        return refused, not_allowed

    refused, not_allowed = run(scenario())
    # Ended today: the time is enough.
    assert refused["message"] == "This session ended at 21:07 UTC; messages can no longer be sent."
    assert "action" not in refused and refused["client_id"]
    assert not_allowed["field"] == "type" and "moderators" in not_allowed["message"]


# --- the page: the console as rendered for each state ----------------------------------------------


class _Controls(HTMLParser):
    """The console's session buttons (label -> enabled), its note, and the other form controls by id."""

    def __init__(self) -> None:
        super().__init__()
        self.buttons: dict[str, bool] = {}
        self.disabled_ids: set[str] = set()
        self.note = ""
        self._button: tuple[str, bool] | None = None
        self._in_note = False
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "button" and "data-live-action" in attrs:
            self._button = ("", "disabled" not in attrs)
        if "data-live-console-note" in attrs:
            self._in_note, self._depth = True, 0
        elif self._in_note:
            self._depth += 1
        if "id" in attrs and "disabled" in attrs:
            self.disabled_ids.add(attrs["id"])

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None:
            label, enabled = self._button
            self.buttons[label.strip()] = enabled
            self._button = None
        if self._in_note:
            if self._depth == 0:
                self._in_note = False
            else:
                self._depth -= 1

    def handle_data(self, data):
        if self._button is not None:
            self._button = (self._button[0] + data, self._button[1])
        if self._in_note:
            self.note += data


def console(client, discussion) -> _Controls:
    response = client.get(reverse("live_session", args=[discussion.community.slug, discussion.pk]))
    assert response.status_code == 200
    parsed = _Controls()
    parsed.feed(response.content.decode())
    parsed.note = re.sub(r"\s+", " ", parsed.note).strip()
    return parsed


@pytest.mark.django_db
def test_the_console_enables_only_the_session_buttons_that_work_in_each_state(client, live, alice):
    discussion, session = live
    mod = membership_of(alice, discussion.community)
    client.force_login(alice)
    labels = ["Start session", "Pause input", "Resume input", "End session"]

    def enabled() -> list[str]:
        page = console(client, discussion)
        assert list(page.buttons) == labels
        return [label for label, on in page.buttons.items() if on]

    assert enabled() == ["Start session"]
    assert "Not started" in console(client, discussion).note
    live_question_push(moderator=mod, session=session, question_id=session.questions.first().pk)
    assert enabled() == ["Pause input", "End session"]
    live_input_pause(moderator=mod, session=session)
    assert enabled() == ["Resume input", "End session"]
    assert "Input paused" in console(client, discussion).note
    end_at(session)
    page = console(client, discussion)
    assert [label for label, on in page.buttons.items() if on] == []
    assert page.note == "This session ended at 21:07 UTC on 19 Nov 2026; the transcript is archived."
    # Nothing else in the console can act on an ended session either.
    assert {"live-question-text", "live-probe-to", "live-probe-input"} <= page.disabled_ids


@pytest.mark.django_db
def test_participants_and_observers_get_no_console_in_any_state(client, live, bob, carol):
    discussion, session = live
    end_at(session)
    for user in (bob, carol):
        client.force_login(user)
        page = console(client, discussion)
        assert page.buttons == {} and page.note == ""
        html = client.get(reverse("live_session", args=["acme", discussion.pk])).content.decode()
        assert "This session ended at" in html and "the transcript is archived" in html
