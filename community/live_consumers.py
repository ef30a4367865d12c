"""WebSocket consumers for live sessions (`ws/live/<id>/`) and board updates (`ws/discussions/<id>/`).

Live session protocol (JSON text frames):

client -> server
  {"type": "send", "stream": "room"|"backroom"|"probe", "body": str, "client_id": uuid,
   "note": bool (backroom note to the moderator), "recipient": member id (moderator's probe)}
  {"type": "resume", "last": {"room": n, "backroom": n, "probe": n}}   replay what came after
  {"type": "typing", "stream": "room"|"backroom"}
  {"type": "ping"}
  moderators: {"type": "question_add", "text"}, {"type": "question_push", "question_id"},
  {"type": "start"}, {"type": "pause"}, {"type": "resume_input"}, {"type": "spotlight", "seq"},
  {"type": "end"}
  Any frame may say which session it is meant for ("discussion_id" as in the address, or
  "session_id"); one meant for another session is refused with an error naming both.
  Query string at connect: room, backroom, probe (the numbers the page has) and, for clients and
  moderators, withheld=3,7 (the room numbers the page shows as withheld).

server -> client
  welcome (role, me, state, presence, current numbers, replay of what came after the `room`,
  `backroom` and `probe` numbers given in the query string), message, ack (with a "notice" when
  others see contact details of the participant's own line hidden), presence, typing,
  replayed, questions (moderators), withdrawn {"stream", "seq"} (clients: a line withheld from the
  findings), withheld {"stream", "seq"} (moderators), restored {"stream", "seq", "message": the line
  as a message frame} (clients and moderators: a withheld line is back), error {"field", "message",
  "client_id" of a refused line, "action" of a refused moderator action}, pong. A refused action on an
  ended session names when it ended ("This session ended at 21:07; ..."). Every bad frame gets an
  error and the socket stays open; a failure on the server's side gets an error, then a close with
  1011, on which the browser reconnects and resends what was not acknowledged.

Storing: a process stores the lines of all its sockets by group commit (`LiveLineWriter`): lines
arriving while a batch is written go together into the next one, in one transaction, on a thread of
their own. Presence: each socket's `LiveConnection` row is refreshed by a heartbeat (`LiveHeartbeat`),
so the rows of a process that crashed go stale, drop out of presence and are swept by Celery beat.

Names: each socket keeps the community's roster (community.roster) to hide members' names in the
frames it builds, loaded off the event loop. When the roster changes (an erasure, a name or a
membership change) `live_roster_changed` tells every socket of the community, in every process,
over its `live.roster.<community>` group; each reloads the roster (once per process and change)
before it handles anything after that message, so no later frame is built with the old names.
That message can be lost (see `LiveRosterWatch`): each process also compares its sockets' rosters
with the database every ROSTER_CHECK_SECONDS, and a socket loads the roster afresh when it connects.

Delivery: every message is stored with its stream's next number before it is broadcast. This
socket remembers the highest number it delivered per stream, drops repeats, and when a number
is skipped on a stream the member sees whole it waits briefly for the late broadcast, then
reads the missing rows from the database: a dropped channel-layer message loses nothing.

Withheld lines: a line the moderator withholds from the findings (community.services.live_archive)
leaves clients' view. Its number stays in their room stream, so their bookkeeping above (and the
browser's) keeps working: a client socket remembers the withheld numbers and delivers such a line as
a bodiless {"type": "withdrawn", "stream", "seq"} frame; the same frame, sent when the line is
withheld, tells a client that already shows it to remove it. Moderators get {"type": "withheld", ...}
to mark it; participants, who were in the room, get nothing. A line the moderator restores comes
back as {"type": "restored", ..., "message"} for clients (who put it back in its place) and
moderators (who unmark it).

Those frames ride on `live.withdrawn` / `live.restored` broadcasts, which can be lost like any other
(and a board moderator hiding a line's post sends none), so the database is the authority, by number:
each client and moderator socket keeps `withheld`, the room numbers its browser has been told are
withheld (for lines it has) and the database's word for lines still to come. At connect the browser
says what it shows as withheld (query string) and is corrected for lines withheld or restored while
it was away; replays and gap fills take the database's word for undelivered lines; and every
ROSTER_CHECK_SECONDS the process's watch (`LiveRosterWatch.reconcile_once`) compares each socket with
the database and sends the withdrawn, withheld or restored frames it missed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import uuid
import weakref
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import async_to_sync
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from community.access import ConsentRequired, discussion_visible_to
from community.models import LiveSession, LiveStream, Membership
from community.models.live import LIVE_HEARTBEAT_SECONDS
from community.realtime import LIVE_LAYER, live_group, live_member_group, live_presence_event
from community.realtime_boards import board_group
from community.roster import Roster, roster_build, roster_for
from community.selectors_live import (
    get_live_discussion_for_member,
    live_contact_notice,
    live_event_for_viewer,
    live_event_visible_to,
    live_frame_audience,
    live_frame_for,
    live_message_event,
    live_messages_after,
    live_presence,
    live_presence_entry,
    live_presence_for,
    live_questions,
    live_room_events,
    live_session_seqs,
    live_state_snapshot,
    live_stream_is_gap_free_for,
    live_streams_for,
    live_withheld_now,
)
from community.services import live as live_services

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403  # a participant who has not accepted the current consent
CLOSE_NOT_FOUND = 4404  # outsiders, and members who lost access mid-session
CLOSE_RETRY = 1011  # a server-side failure: the browser reconnects (and loads everything afresh)
# How long a skipped number may take to arrive over the channel layer before the database is asked.
GAP_GRACE_SECONDS = 0.3
TYPING_MIN_INTERVAL = 2.0
STREAMS = (LiveStream.ROOM, LiveStream.BACKROOM, LiveStream.PROBE)
# At most this many withheld numbers are read from a reconnecting browser's query string.
WITHHELD_QUERY_MAX = 1000
MODERATOR_ACTIONS = {"question_add", "question_push", "start", "pause", "resume_input", "spotlight", "end"}


class FrameError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _validation_error_to_frame(exc: ValidationError) -> tuple[str, str]:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.message_dict.items()))
        return field, " ".join(errors)
    return "message", " ".join(exc.messages)


# Lines are stored on a thread of their own: channels' database_sync_to_async runs every other
# database call of the process (connects, replays, gap fills) on one shared thread, and a line
# waiting behind those is a line everybody sees late.
# SQLite takes one writer at a time anyway (and its in-memory test database refuses a second thread
# outright), so there lines share the one thread.
_STORE_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-store")


def _store_on_own_thread():
    return database_sync_to_async(
        live_services.live_messages_store, thread_sensitive=False, executor=_STORE_EXECUTOR
    )


def _store_on_shared_thread():
    return database_sync_to_async(live_services.live_messages_store)


class LiveLineWriter:
    """Group commit for one event loop: lines that arrive while a batch is being stored are stored
    together in the next one (one transaction, one bulk insert, one number allocation per stream).

    A lone line is stored at once: a batch is whatever queued up while the previous one was written,
    so batching adds no waiting when the room is quiet and saves round trips when it is busy.
    """

    def __init__(self) -> None:
        self.queue: list[tuple[int, live_services.LiveSend, asyncio.Future]] = []
        self.worker: asyncio.Task | None = None

    async def store(self, *, session_id: int, send: live_services.LiveSend) -> live_services.Stored:
        future = asyncio.get_running_loop().create_future()
        self.queue.append((session_id, send, future))
        if self.worker is None or self.worker.done():
            self.worker = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        store = _store_on_own_thread() if connection.vendor != "sqlite" else _store_on_shared_thread()
        while self.queue:
            batch, self.queue = self.queue, []
            by_session: dict[int, list[tuple[live_services.LiveSend, asyncio.Future]]] = {}
            for session_id, send, future in batch:
                by_session.setdefault(session_id, []).append((send, future))
            for session_id, items in by_session.items():
                try:
                    results = await store(session_id=session_id, sends=[send for send, _ in items])
                except Exception as exc:  # the whole batch failed (database down): every sender hears it
                    results = [exc] * len(items)
                for (_, future), outcome in zip(items, results, strict=True):
                    if future.done():  # the socket went away meanwhile
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)


_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LiveLineWriter] = weakref.WeakKeyDictionary()


def live_line_writer() -> LiveLineWriter:
    loop = asyncio.get_running_loop()
    writer = _writers.get(loop)
    if writer is None:
        writer = _writers[loop] = LiveLineWriter()
    return writer


# Per process: the JSON text of a broadcast line as each audience (role) sees it. A line reaching 200 sockets
# is then built and serialised once per role (plus once for its author) rather than once per socket.
_FRAME_TEXTS: OrderedDict[tuple, str] = OrderedDict()
FRAME_TEXTS_KEPT = 1024


def live_frame_text(event: dict[str, Any], viewer: Membership, roster: Roster | None = None) -> str:
    """`live_frame_for` as JSON text, shared by every viewer of the same audience
    (`live_frame_audience`: the role, except for frames that are one viewer's own)."""
    audience = live_frame_audience(event, viewer)
    if audience is None:
        return json.dumps(live_frame_for(event, viewer, roster))
    # The roster's fingerprint is part of the key: a text built with other names is never reused.
    names = roster.fingerprint if roster is not None else None
    # A client's placeholder for a withheld line, and a spotlight event with its quote taken out
    # (`live_event_for_viewer`), are other texts than the line as first sent.
    shaped = (bool(event.get("withheld")), (event.get("data") or {}).get("seq"))
    key = (event.get("session_id"), event["stream"], event["seq"], event["at"], audience, names, shaped)
    text = _FRAME_TEXTS.get(key)
    if text is None:
        text = _FRAME_TEXTS[key] = json.dumps(live_frame_for(event, viewer, roster))
        if len(_FRAME_TEXTS) > FRAME_TEXTS_KEPT:
            _FRAME_TEXTS.popitem(last=False)
    return text


def live_roster_group(community_id: int) -> str:
    """Every live socket of a community's sessions, told when the community's roster changes."""
    return f"live.roster.{int(community_id)}"


def live_roster_changed(community_id: int) -> None:
    """Tell every open live socket of the community, in every process, to reload the roster before
    it builds another frame. Synchronous, for after commit (community.roster.roster_forget)."""
    # The token lets the sockets of one process share one load per change (`LiveRosterLoads`).
    event = {"type": "roster.refresh", "community_id": int(community_id), "token": uuid.uuid4().hex}

    def send() -> None:
        try:
            async_to_sync(get_channel_layer(LIVE_LAYER).group_send)(live_roster_group(community_id), event)
        except Exception:  # the change is committed; open sockets pick it up on their next action
            logger.exception(
                "Could not tell live sockets that the roster of community %s changed", community_id
            )

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send()  # the usual case: a view or task thread, with no event loop of its own
        return
    # Called from a thread that runs an event loop (async code calling sync code directly, as
    # test fixtures do), where async_to_sync refuses to work: send from a helper thread.
    helper = threading.Thread(target=send, name="live-roster-changed")
    helper.start()
    helper.join()


def _roster_loaded(community_id: int) -> Roster:
    """The roster as the consumer keeps it: with its fingerprint worked out here, off the event loop."""
    roster = roster_for(community_id)
    _ = roster.fingerprint
    return roster


def _roster_reloaded(community_id: int) -> Roster:
    # From the database, not the cache: a reader that started before the change committed may
    # have put the old names back in the cache.
    roster = roster_build(community_id)
    _ = roster.fingerprint
    return roster


def _roster_now(community_id: int) -> Roster:
    """The roster as the database has it now, for the watch's check (`LiveRosterWatch`)."""
    roster = roster_build(community_id)
    _ = roster.fingerprint
    return roster


class LiveRosterLoads:
    """Per event loop: the roster reload for a change, shared by all of the process's sockets of the
    community (one load per change rather than one per socket)."""

    KEPT = 256

    def __init__(self) -> None:
        self.loads: OrderedDict[int, tuple[str, asyncio.Future]] = OrderedDict()

    async def load(self, community_id: int, token: str) -> Roster:
        current = self.loads.get(community_id)
        if current is None or current[0] != token:
            task = asyncio.ensure_future(database_sync_to_async(_roster_reloaded)(community_id))
            current = self.loads[community_id] = (token, task)
            self.loads.move_to_end(community_id)
            if len(self.loads) > self.KEPT:
                self.loads.popitem(last=False)
        # Shielded: a socket closing while it waits must not cancel the load the others wait for.
        return await asyncio.shield(current[1])


_roster_loads: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LiveRosterLoads] = (
    weakref.WeakKeyDictionary()
)


def live_roster_loads() -> LiveRosterLoads:
    loop = asyncio.get_running_loop()
    loads = _roster_loads.get(loop)
    if loads is None:
        loads = _roster_loads[loop] = LiveRosterLoads()
    return loads


# How often each process compares the rosters its live sockets hold with the database.
ROSTER_CHECK_SECONDS = 10


class LiveRosterWatch:
    """Per event loop: the safety net under `live_roster_changed`, checking every ROSTER_CHECK_SECONDS
    that this process's live sockets hold their community's current roster.

    The push can be lost without anyone hearing of it: the live layer is Redis pub/sub, which
    delivers only to whoever is subscribed at that instant (a process reconnecting to Redis misses
    it), a publish fails when Redis is briefly unreachable (the sender only logs it), and the
    in-memory layer drops group messages to a full channel and takes a socket whose queue held an
    expired message out of every group. A socket that missed it would build frames with the old names
    until it reconnected. Here one roster read per community and check (two queries, whatever the
    number of sockets) catches it up; a reconnecting socket loads the roster afresh anyway.
    """

    def __init__(self) -> None:
        self.sockets: dict[int, weakref.WeakSet[LiveSessionConsumer]] = {}
        self.task: asyncio.Task | None = None

    def add(self, consumer: LiveSessionConsumer) -> None:
        self.sockets.setdefault(consumer.member.community_id, weakref.WeakSet()).add(consumer)
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._watch())

    def discard(self, consumer: LiveSessionConsumer) -> None:
        community_id = consumer.member.community_id
        sockets = self.sockets.get(community_id)
        if sockets is not None:
            sockets.discard(consumer)
            if not sockets:
                del self.sockets[community_id]

    async def check_once(self) -> int:
        """Give every socket holding an outdated roster the current one; returns how many needed it."""
        caught_up = 0
        for community_id, sockets in list(self.sockets.items()):
            held = {socket: socket.roster for socket in list(sockets) if not socket.stopped}
            if not held:
                continue
            current = await database_sync_to_async(_roster_now)(community_id)
            stale = [
                socket
                for socket, before in held.items()
                # A socket that reloaded meanwhile (a refresh arrived, its member acted) keeps what it
                # loaded: that may be newer than the roster read here.
                if socket.roster is before and before.fingerprint != current.fingerprint
            ]
            for socket in stale:
                socket.roster = current
            if stale:
                logger.warning(
                    "%s live sockets of community %s had missed a roster change", len(stale), community_id
                )
            caught_up += len(stale)
        return caught_up

    async def reconcile_once(self) -> int:
        """Withheld lines, by number: every client and moderator socket is brought in line with the
        database (withdrawn frames for lines withheld, restored frames for lines back), so a
        `live.withdrawn` or `live.restored` broadcast that never arrived, or a board moderator's hide or
        restore of a line's post, shows within one check. One query per session (two when lines came
        back), whatever the number of sockets. Returns how many frames put something right."""
        by_session: dict[int, list[LiveSessionConsumer]] = {}
        for sockets in list(self.sockets.values()):
            for socket in list(sockets):
                if not socket.stopped and socket.session_id is not None and socket._tracks_withheld():
                    by_session.setdefault(socket.session_id, []).append(socket)
        corrected = 0
        for session_id, sockets in by_session.items():
            before = {socket: socket.withheld_changes for socket in sockets}
            now = await database_sync_to_async(live_withheld_now)(session_id)
            back = set().union(*(socket.withheld - now for socket in sockets))
            restored: dict[int, dict[str, Any]] = {}
            if back:
                events = await database_sync_to_async(live_room_events)(session_id, back)
                restored = {event["seq"]: event for event in events}
            for socket in sockets:
                # Told something after the read (a broadcast arrived): the next check looks again.
                if socket.withheld_changes == before[socket]:
                    corrected += await socket.reconcile_withheld(now, restored)
        if corrected:
            logger.warning("Live sockets had missed %s withheld or restored lines; corrected", corrected)
        return corrected

    async def _watch(self) -> None:
        while self.sockets:
            await asyncio.sleep(ROSTER_CHECK_SECONDS)
            try:
                await self.check_once()
            except Exception:  # the database is unavailable: the next check tries again
                logger.exception("Checking the rosters of live sockets failed")
            try:
                await self.reconcile_once()
            except Exception:
                logger.exception("Checking the withheld lines of live sockets failed")


_roster_watches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LiveRosterWatch] = (
    weakref.WeakKeyDictionary()
)


def live_roster_watch() -> LiveRosterWatch:
    loop = asyncio.get_running_loop()
    watch = _roster_watches.get(loop)
    if watch is None:
        watch = _roster_watches[loop] = LiveRosterWatch()
    return watch


class LiveHeartbeat:
    """Per event loop: keeps the connection rows of this process's live sockets fresh, with one
    update for all of them every LIVE_HEARTBEAT_SECONDS. When the process dies the rows go stale:
    presence ignores them and `live_connections_sweep` (Celery beat) deletes them."""

    def __init__(self) -> None:
        self.channel_names: set[str] = set()
        self.task: asyncio.Task | None = None

    def add(self, channel_name: str) -> None:
        self.channel_names.add(channel_name)
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._beat())

    def discard(self, channel_name: str) -> None:
        self.channel_names.discard(channel_name)

    async def beat_once(self) -> int:
        return await database_sync_to_async(live_services.live_connections_heartbeat)(
            channel_names=sorted(self.channel_names)
        )

    async def _beat(self) -> None:
        while self.channel_names:
            await asyncio.sleep(LIVE_HEARTBEAT_SECONDS)
            try:
                await self.beat_once()
            except Exception:  # a database hiccup: the next beat tries again well before rows go stale
                logger.exception("Live connection heartbeat failed")


_heartbeats: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LiveHeartbeat] = weakref.WeakKeyDictionary()


def live_heartbeat() -> LiveHeartbeat:
    loop = asyncio.get_running_loop()
    heartbeat = _heartbeats.get(loop)
    if heartbeat is None:
        heartbeat = _heartbeats[loop] = LiveHeartbeat()
    return heartbeat


class LiveSessionConsumer(AsyncWebsocketConsumer):
    channel_layer_alias = LIVE_LAYER
    session_id: int | None = None
    member: Membership | None = None
    # Set when the roster could not be reloaded: the socket is closing and sends nothing more.
    stopped = False

    # --- connecting ------------------------------------------------------------------------------

    async def connect(self) -> None:
        self.groups_joined: list[str] = []
        self.marks: dict[str, int] = {}
        # Room numbers withheld from the findings, for client and moderator sockets (see "Withheld
        # lines"): up to the room mark, what this socket's browser has been told; beyond it, what the
        # database said last. `withheld_changes` counts changes, so a check that read the database
        # before one of them knows to leave this socket alone until its next round.
        self.withheld: set[int] = set()
        self.withheld_changes = 0
        self.pending: dict[str, dict[int, dict[str, Any]]] = {s: {} for s in STREAMS}
        self.gap_tasks: dict[str, asyncio.Task] = {}
        self.send_lock = asyncio.Lock()
        self.last_typing = 0.0
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        try:
            discussion_id = int(self.scope["url_route"]["kwargs"]["discussion_id"])
            self.discussion, self.member, self.session = await database_sync_to_async(self._authorise)(
                user, discussion_id
            )
        except (Http404, ValueError, ValidationError):
            await self.accept()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        except ConsentRequired:
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.session_id = self.session.pk
        self.streams = live_streams_for(self.member)
        for group in self._groups():
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        last = self._last_from_query()
        # What the browser treats as withheld among the lines it already has (it says so on reconnect).
        self.withheld = {seq for seq in self._withheld_from_query() if seq <= last[LiveStream.ROOM]}
        welcome, replay, joined = await database_sync_to_async(self._open)(last)
        live_heartbeat().add(self.channel_name)
        live_roster_watch().add(self)
        await self.accept()
        await self._send_json(welcome)
        await self._send_frames(replay)
        if joined is not None:
            await self._announce_presence("joined", joined)

    def _authorise(self, user, discussion_id: int):
        discussion, member = get_live_discussion_for_member(user, discussion_id)
        session = live_services.live_session_ensure(discussion=discussion)
        return discussion, member, session

    def _groups(self) -> list[str]:
        sid = self.session_id
        groups = [live_group(sid, "room")]
        if self.member.is_moderator or self.member.is_client:
            groups.append(live_group(sid, "backroom"))
        if self.member.is_moderator:
            groups.append(live_group(sid, "staff"))
        else:
            groups.append(live_member_group(sid, self.member.pk))
        groups.append(live_roster_group(self.member.community_id))
        return groups

    def _last_from_query(self) -> dict[str, int]:
        query = parse_qs((self.scope.get("query_string") or b"").decode("latin-1"))
        last = {}
        for stream in STREAMS:
            try:
                last[stream] = max(0, int(query.get(stream, ["0"])[0]))
            except ValueError:
                last[stream] = 0
        return last

    def _withheld_from_query(self) -> set[int]:
        query = parse_qs((self.scope.get("query_string") or b"").decode("latin-1"))
        seqs = set()
        for part in query.get("withheld", [""])[0].split(",")[:WITHHELD_QUERY_MAX]:
            if part.strip().isdigit():
                seqs.add(int(part))
        return seqs if self._tracks_withheld() else set()

    def _tracks_withheld(self) -> bool:
        """Clients lose withheld lines and moderators mark them; participants keep them as said."""
        return self.member is not None and (self.member.is_client or self.member.is_moderator)

    def _open(self, last: dict[str, int]):
        """Runs after the groups are joined: anything committed from here on arrives live too."""
        # Frames are built on the event loop, which must not read the cache or the database: the
        # names to redact are loaded here (after joining the roster group, so no change is missed),
        # on each action with the member, and whenever the roster changes (`roster_refresh`).
        self.roster = _roster_loaded(self.member.community_id)
        joined = live_services.live_connection_open(
            session=self.session, member=self.member, channel_name=self.channel_name
        )
        session = LiveSession.objects.select_related("current_question", "spotlight__author").get(
            pk=self.session_id
        )
        self.session = session
        # The replay (after the browser's numbers) is shaped by the database; the lines the browser
        # already has are corrected after it, by the same rule as the watch's check.
        told, now = set(self.withheld), self._withheld_in_database()
        self.withheld = {seq for seq in now if seq > last[LiveStream.ROOM]} | told
        seqs = live_session_seqs(session)
        replay, more = self._replay(last)
        for stream in self.streams:
            top = max([m["seq"] for m in replay if m["stream"] == stream], default=0)
            self.marks[stream] = max(seqs[stream], top, last[stream])
        presence = live_presence(session, include_observers=self.member.is_moderator)
        welcome = {
            "type": "welcome",
            "role": self.member.role,
            "me": {"id": self.member.pk, "name": self.member.pseudonym},
            "streams": list(self.streams),
            "session": live_state_snapshot(session, viewer=self.member),
            "seqs": {s: seqs[s] for s in self.streams},
            "presence": live_presence_for(presence, self.member),
            "more": more,
            "limits": {
                "body": settings.VERBATIM["LIVE_MESSAGE_MAX_CHARS"],
                "per_minute": settings.VERBATIM["LIVE_MESSAGES_PER_MINUTE"],
            },
        }
        if self.member.is_moderator:
            welcome["questions"] = self._questions_payload()
        if self.member.is_moderator:
            welcome["withheld"] = sorted(now)
        joined_entry = self._presence_entry() if joined else None
        frames = [self._frame(e) for e in replay]
        # Corrections for what the browser showed before it reconnected: lines withheld or restored
        # while it was away (or whose news it missed) are put right now, not at the next reload.
        restore = told - now
        frames += self._withheld_frames(now - self.withheld, live_room_events(self.session_id, restore))
        self.withheld = (self.withheld | now) - restore
        return welcome, frames, joined_entry

    def _withheld_in_database(self) -> set[int]:
        """Runs off the event loop: the room numbers out of the findings now (none for participants)."""
        return live_withheld_now(self.session_id) if self._tracks_withheld() else set()

    def _withheld_frames(self, withheld: set[int], restored: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """What tells this socket's browser that lines it has were withheld or came back, in number order."""
        kind = "withdrawn" if self.member.is_client else "withheld"
        frames = [(seq, {"type": kind, "stream": LiveStream.ROOM, "seq": seq}) for seq in withheld]
        frames += [(event["seq"], self._restored_frame(event)) for event in restored]
        return [frame for _, frame in sorted(frames, key=lambda pair: pair[0])]

    def _restored_frame(self, event: dict[str, Any]) -> dict[str, Any]:
        # The line as this viewer reads it (pseudonyms, redactions), to put back where it was.
        return {
            "type": "restored",
            "stream": event["stream"],
            "seq": event["seq"],
            "message": live_frame_for(event, self.member, self.roster),
        }

    def _adopt_withheld(self, now: set[int]) -> None:
        """On the event loop, with what the database said during a replay or gap fill: lines not
        delivered yet take the database's word; lines already delivered are left to the corrections
        (`reconcile_withheld`), which tell the browser as they change them."""
        mark = self.marks.get(LiveStream.ROOM, 0)
        self.withheld = {seq for seq in self.withheld if seq <= mark} | {seq for seq in now if seq > mark}

    async def reconcile_withheld(self, now: set[int], restored: dict[int, dict[str, Any]]) -> int:
        """Make this socket (and its browser) agree with `now`, the numbers the database has out of the
        findings; `restored` holds the lines that came back. Returns how many lines were corrected."""
        if self.stopped or not self._tracks_withheld():
            return 0
        withheld = now - self.withheld
        back = [restored[seq] for seq in sorted(self.withheld - now) if seq in restored]
        self.withheld = (self.withheld | withheld) - {event["seq"] for event in back}
        mark = self.marks.get(LiveStream.ROOM, 0)
        if self.member.is_client:  # lines not delivered yet go out as they are when their turn comes
            withheld = {seq for seq in withheld if seq <= mark}
            back = [event for event in back if event["seq"] <= mark]
        frames = self._withheld_frames(withheld, back)
        if frames:
            self.withheld_changes += 1
            await self._send_frames(frames)
        return len(frames)

    def _shaped(self, event: dict[str, Any]) -> dict[str, Any]:
        return live_event_for_viewer(event, self.member, self.withheld)

    def _frame(self, event: dict[str, Any]) -> dict[str, Any]:
        return live_frame_for(self._shaped(event), self.member, self.roster)

    def _frame_text(self, event: dict[str, Any]) -> str:
        return live_frame_text(self._shaped(event), self.member, self.roster)

    def _replay(self, last: dict[str, int]) -> tuple[list[dict[str, Any]], dict[str, bool]]:
        limit = settings.VERBATIM["LIVE_REPLAY_MAX"]
        events, more = [], {}
        for stream in self.streams:
            rows = live_messages_after(
                self.session, self.member, stream=stream, after=last.get(stream, 0), limit=limit
            )
            more[stream] = len(rows) == limit
            events.extend(live_message_event(m) for m in rows)
        return events, more

    def _questions_payload(self) -> list[dict[str, Any]]:
        return [
            {"id": q.pk, "position": q.position, "text": q.text, "pushed": q.pushed_at is not None}
            for q in live_questions(self.session)
        ]

    async def disconnect(self, code: int) -> None:
        live_heartbeat().discard(self.channel_name)
        if self.member is not None:
            live_roster_watch().discard(self)
        for task in getattr(self, "gap_tasks", {}).values():
            task.cancel()
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.session_id is not None and self.member is not None:
            left = await database_sync_to_async(live_services.live_connection_close)(
                channel_name=self.channel_name
            )
            if left is not None:
                await self._announce_presence("left", self._presence_entry())

    def _presence_entry(self) -> dict[str, Any]:
        return live_presence_entry(self.member)

    async def _announce_presence(self, change: str, entry: dict[str, Any]) -> None:
        # Observers are announced to moderators only: participants never learn they exist.
        group, event = live_presence_event(session_id=self.session_id, change=change, entry=entry)
        await self.channel_layer.group_send(group, event)

    # --- frames from the browser -----------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        content: dict[str, Any] | None = None
        try:
            content = self._parse(text_data)
            await self._handle(content)
        except FrameError as exc:
            await self._error(exc.field, exc.message, content_ref=content)
        except Exception:
            # Not the sender's fault (the database is away, a bug): say so and have the browser
            # reconnect, which resends its unacknowledged lines; never a silent close.
            logger.exception("A live frame could not be handled")
            # Without the line's client_id: the browser keeps the line in its outbox and resends it.
            kind = {"type": content.get("type")} if isinstance(content, dict) else None
            await self._error(
                "message", "Something went wrong on our side; reconnecting. Nothing you sent is lost.", kind
            )
            self.stopped = True
            await self.close(code=CLOSE_RETRY)

    async def _handle(self, content: dict[str, Any]) -> None:
        if "type" not in content:
            raise FrameError("type", 'Every frame needs a "type", such as "send" or "ping".')
        kind = content["type"]
        if not isinstance(kind, str):
            raise FrameError("type", '"type" must be text, such as "send" or "ping".')
        self._check_session(content)
        if kind == "ping":
            await self._send_json({"type": "pong"})
        elif kind == "typing":
            await self._typing(content)
        elif kind == "resume":
            await self._resume(content)
        elif kind == "send":
            await self._send_line(content)
        elif kind in MODERATOR_ACTIONS:
            await self._act(kind, content)
        else:
            raise FrameError("type", f"unknown frame type {kind[:40]!r}; use send, resume, typing or ping.")

    def _check_session(self, content: dict[str, Any]) -> None:
        """A frame may name the session it is meant for (`discussion_id`, as in the socket's address,
        or `session_id`): one meant for another session is refused, not applied to this one."""
        for key, mine in (("discussion_id", self.discussion.pk), ("session_id", self.session_id)):
            if key not in content:
                continue
            value = content[key]
            if isinstance(value, bool) or not isinstance(value, int):
                raise FrameError("session", f"{key} must be a whole number.")
            if value != mine:
                raise FrameError(
                    "session",
                    f"This connection is for live session {self.discussion.pk} ({key} {mine}), "
                    f"not {key} {value}; nothing was done.",
                )

    def _parse(self, text_data: str | None) -> dict[str, Any]:
        if text_data is None:
            raise FrameError("message", "Frames must be JSON text, not binary.")
        limit = settings.VERBATIM["LIVE_FRAME_MAX_CHARS"]
        if len(text_data) > limit:
            raise FrameError(
                "message", f"That message is too long to send: at most {limit:,} characters can go at once."
            )
        try:
            content = json.loads(text_data)
        except ValueError:
            raise FrameError("message", "Frames must be valid JSON.") from None
        if not isinstance(content, dict):
            raise FrameError("message", "Frames must be JSON objects with a type.")
        return content

    async def _typing(self, content: dict[str, Any]) -> None:
        stream = content.get("stream", LiveStream.ROOM)
        if stream not in (LiveStream.ROOM, LiveStream.BACKROOM) or stream not in self.streams:
            raise FrameError("stream", "Typing goes to the room or, for observers, the backroom.")
        if stream == LiveStream.ROOM and self.member.is_client:
            raise FrameError("stream", "Observers do not write in the room.")
        loop_time = asyncio.get_running_loop().time()
        if loop_time - self.last_typing < TYPING_MIN_INTERVAL:
            return  # typing is a hint: extra ones are dropped silently
        self.last_typing = loop_time
        await self.channel_layer.group_send(
            live_group(self.session_id, stream),
            {
                "type": "live.typing",
                "stream": stream,
                "author_id": self.member.pk,
                "pseudonym": self.member.pseudonym,
                "name": self.member.name_for_moderators,
            },
        )

    async def _resume(self, content: dict[str, Any]) -> None:
        last = content.get("last")
        if not isinstance(last, dict):
            raise FrameError("last", 'resume needs "last": {"room": n, ...}.')
        clean = {}
        for stream in self.streams:
            value = last.get(stream, 0)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise FrameError("last", f"last.{stream} must be a whole number, 0 or more.")
            clean[stream] = value
        try:
            replay, more, now = await database_sync_to_async(self._replay_fresh)(clean)
        except PermissionDenied:
            await self._error("session", "You no longer have access to this session.")
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self._adopt_withheld(now)
        frames = [self._frame(e) for e in replay]
        for frame in frames:
            self.marks[frame["stream"]] = max(self.marks.get(frame["stream"], 0), frame["seq"])
        await self._send_frames(frames)
        await self._send_json({"type": "replayed", "more": more})

    def _replay_fresh(self, last: dict[str, int]):
        self._refresh_member()
        now = self._withheld_in_database()
        replay, more = self._replay(last)
        return replay, more, now

    def _refresh_member(self) -> None:
        """Authorisation on every action: the membership as it is now, not as it was at connect."""
        fresh = Membership.objects.select_related("user", "community").filter(pk=self.member.pk).first()
        if (
            fresh is None
            or not fresh.is_active
            or fresh.role != self.member.role
            or not discussion_visible_to(self.discussion, fresh)
        ):
            raise PermissionDenied("No such live session.")
        self.member = fresh
        self.roster = _roster_loaded(fresh.community_id)

    async def _act(self, kind: str, content: dict[str, Any]) -> None:
        try:
            outcome = await database_sync_to_async(self._act_sync)(kind, content)
        except (PermissionDenied, ValidationError) as exc:
            await self._refused(exc)
            return
        await self._deliver(outcome)

    async def _refused(self, exc: PermissionDenied | ValidationError) -> None:
        if isinstance(exc, ValidationError):
            field, message = _validation_error_to_frame(exc)
            raise FrameError(field, message) from None
        if str(exc) == "No such live session.":
            await self._error("session", "You no longer have access to this session.")
            await self.close(code=CLOSE_NOT_FOUND)
            return
        raise FrameError("type", str(exc) or "Not allowed.") from None

    async def _deliver(self, outcome: dict[str, Any]) -> None:
        for group, event in outcome.get("broadcast", []):
            await self.channel_layer.group_send(group, event)
        for frame in outcome.get("frames", []):
            await self._send_json(frame)

    async def _send_line(self, content: dict[str, Any]) -> None:
        """A line: checked here, stored by the process's group commit, then broadcast and acknowledged."""
        try:
            send = live_services.live_send_clean(
                author=self.member,
                stream=content.get("stream", LiveStream.ROOM),
                body=content.get("body"),
                client_id=content.get("client_id"),
                recipient_id=content.get("recipient"),
                note=bool(content.get("note")),
            )
            message, created = await live_line_writer().store(session_id=self.session_id, send=send)
        except (PermissionDenied, ValidationError) as exc:
            await self._refused(exc)
            return
        if created:
            self.member = message.author  # as re-read for this line
        await self._deliver(self._line_outcome(message, created))

    def _act_sync(self, kind: str, content: dict[str, Any]) -> dict[str, Any]:
        self._refresh_member()
        member, session = self.member, self.session
        if not member.is_moderator:
            raise PermissionDenied("Only moderators can do that.")
        if kind == "question_add":
            live_services.live_question_add(moderator=member, session=session, text=content.get("text"))
            return {"frames": [{"type": "questions", "questions": self._questions_payload()}]}
        if kind == "question_push":
            message = live_services.live_question_push(
                moderator=member, session=session, question_id=content.get("question_id")
            )
        elif kind == "start":
            message = live_services.live_session_start(moderator=member, session=session)
        elif kind == "pause":
            message = live_services.live_input_pause(moderator=member, session=session)
        elif kind == "resume_input":
            message = live_services.live_input_resume(moderator=member, session=session)
        elif kind == "spotlight":
            message = live_services.live_spotlight(moderator=member, session=session, seq=content.get("seq"))
        else:  # end
            message = live_services.live_session_end(moderator=member, session=session)
        event = live_message_event(message)
        frames = []
        if kind == "question_push":
            frames.append({"type": "questions", "questions": self._questions_payload()})
        return {"broadcast": [(live_group(session.pk, "room"), event)], "frames": frames}

    def _line_outcome(self, message, created: bool) -> dict[str, Any]:
        event = live_message_event(message)
        ack = {
            "type": "ack",
            "client_id": event["client_id"],
            "stream": message.stream,
            "seq": message.seq,
            "duplicate": not created,
        }
        notice = live_contact_notice(self.member, message.stream, message.body)
        if notice:
            ack["notice"] = notice  # shown beside the composer: what the others see hidden
        if not created:
            # A retry: the first attempt was stored; resend it to this socket in case its
            # broadcast never arrived here, and broadcast nothing again.
            return {"frames": [ack, live_frame_for(event, self.member, self.roster)]}
        sid = self.session.pk
        if message.stream == LiveStream.PROBE:
            groups = [live_group(sid, "staff"), live_member_group(sid, message.recipient_id)]
        else:
            groups = [live_group(sid, message.stream)]
        return {"broadcast": [(g, event) for g in groups], "frames": [ack]}

    # --- events from the channel layer -----------------------------------------------------------

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels runs close_old_connections in the shared database thread before every handler.
        # This consumer reaches the database only through database_sync_to_async, which does that
        # itself on the thread it runs on; one extra hop per frame and per delivered event would
        # queue every line and delivery of a busy session behind that one thread: skip it.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def live_message(self, event: dict[str, Any]) -> None:
        if self.member is None or not live_event_visible_to(event, self.member):
            return
        await self._take(event)

    async def live_withdrawn(self, event: dict[str, Any]) -> None:
        """A room line was withheld from the findings: clients drop it, moderators mark it."""
        if not self._tracks_withheld() or event.get("session_id") != self.session_id:
            return
        stream, seq = event["stream"], event["seq"]
        if seq in self.withheld and self.member.is_client:
            return  # already told (by the watch's check, or at connect)
        self.withheld.add(seq)
        self.withheld_changes += 1
        if self.member.is_client:
            # Not delivered yet: it goes out as a placeholder when its turn comes.
            if seq <= self.marks.get(stream, 0):
                await self._send_json({"type": "withdrawn", "stream": stream, "seq": seq})
        else:
            await self._send_json({"type": "withheld", "stream": stream, "seq": seq})

    async def live_restored(self, event: dict[str, Any]) -> None:
        """A withheld line is back in the findings: clients show it again, moderators unmark it."""
        if not self._tracks_withheld() or event.get("session_id") != self.session_id:
            return
        seq = event["seq"]
        if seq not in self.withheld and self.member.is_client:
            return  # already told, or never withheld for this socket
        self.withheld.discard(seq)
        self.withheld_changes += 1
        if self.member.is_client and seq > self.marks.get(event["stream"], 0):
            return  # not delivered yet: it goes out whole when its turn comes
        await self._send_json(self._restored_frame(event["message"]))

    async def roster_refresh(self, event: dict[str, Any]) -> None:
        """The community's roster changed: reload it before handling anything else (channels
        dispatches one message at a time, so every later event is built with the new names)."""
        if self.member is None or event.get("community_id") != self.member.community_id:
            return
        try:
            self.roster = await live_roster_loads().load(self.member.community_id, event["token"])
        except Exception:
            # The old names must not be used again: stop sending; the browser reconnects and loads them.
            logger.exception("Could not reload the roster of a live socket; closing it")
            self.stopped = True
            await self.close(code=CLOSE_RETRY)

    async def live_presence(self, event: dict[str, Any]) -> None:
        entry = event["entry"]
        if entry["role"] == "client" and not self.member.is_moderator:
            return
        shown = live_presence_for([entry], self.member)
        if shown:
            await self._send_json({"type": "presence", "change": event["change"], "member": shown[0]})

    async def live_typing(self, event: dict[str, Any]) -> None:
        if event["author_id"] == self.member.pk or event["stream"] not in self.streams:
            return
        who = event["name"] if self.member.is_moderator else event["pseudonym"]
        await self._send_json({"type": "typing", "stream": event["stream"], "who": who})

    async def _take(self, event: dict[str, Any]) -> None:
        """Deliver in order, once: drop repeats, hold anything after a gap until the gap is filled."""
        stream, seq = event["stream"], event["seq"]
        mark = self.marks.get(stream, 0)
        if seq <= mark:
            return
        if seq == mark + 1 or not live_stream_is_gap_free_for(self.member, stream):
            self.marks[stream] = seq
            frames: list[dict[str, Any] | str] = [self._frame_text(event)]
            frames += self._flush_pending(stream)
            await self._send_frames(frames)
            return
        self.pending[stream][seq] = event
        if stream not in self.gap_tasks:
            self.gap_tasks[stream] = asyncio.create_task(self._fill_gap(stream))

    def _flush_pending(self, stream: str) -> list[dict[str, Any] | str]:
        frames: list[dict[str, Any] | str] = []
        pending = self.pending[stream]
        while self.marks[stream] + 1 in pending:
            nxt = self.marks[stream] + 1
            frames.append(self._frame_text(pending.pop(nxt)))
            self.marks[stream] = nxt
        for seq in [s for s in pending if s <= self.marks[stream]]:
            del pending[seq]
        return frames

    async def _fill_gap(self, stream: str) -> None:
        try:
            await asyncio.sleep(GAP_GRACE_SECONDS)
            while self.pending[stream]:
                before = self.marks[stream]
                rows, now = await database_sync_to_async(self._rows_after)(stream, before)
                self._adopt_withheld(now)
                frames: list[dict[str, Any] | str] = []
                for event in rows:
                    if event["seq"] == self.marks[stream] + 1:
                        self.marks[stream] = event["seq"]
                        frames.append(self._frame(event))
                frames += self._flush_pending(stream)
                await self._send_frames(frames)
                if not rows or self.marks[stream] == before:
                    break  # nothing new stored beyond the mark: held numbers are flushed on arrival
        finally:
            self.gap_tasks.pop(stream, None)

    def _rows_after(self, stream: str, after: int) -> tuple[list[dict[str, Any]], set[int]]:
        limit = settings.VERBATIM["LIVE_REPLAY_MAX"]
        now = self._withheld_in_database()
        rows = live_messages_after(self.session, self.member, stream=stream, after=after, limit=limit)
        return [live_message_event(m) for m in rows], now

    # --- output ----------------------------------------------------------------------------------

    async def _send_frames(self, frames: list[dict[str, Any] | str]) -> None:
        if self.stopped:
            return
        async with self.send_lock:
            for frame in frames:
                await self.send(text_data=frame if isinstance(frame, str) else json.dumps(frame))

    async def _send_json(self, frame: dict[str, Any]) -> None:
        await self._send_frames([frame])

    async def _error(self, field: str, message: str, content_ref: Any = None) -> None:
        frame = {"type": "error", "field": field, "message": message}
        if isinstance(content_ref, dict) and isinstance(content_ref.get("client_id"), str):
            frame["client_id"] = content_ref["client_id"][:64]
        kind = content_ref.get("type") if isinstance(content_ref, dict) else None
        if isinstance(kind, str) and kind in MODERATOR_ACTIONS:
            # The console shows a refused action beside its buttons, not under the conversation.
            frame["action"] = content_ref["type"]
        await self._send_json(frame)


class BoardConsumer(AsyncWebsocketConsumer):
    """`ws/discussions/<id>/`: new posts, replies, edits and moderation on an asynchronous board.

    The broadcast carries only a post id and what happened; each socket decides for its own
    member, with the same selectors as the pages, whether to send the rendered post, a
    "gone" notice or nothing. Frames: hello, post {"post_id", "parent_id", "kind", "html"},
    gone {"post_id"}, pong, error.
    """

    discussion_id: int | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        try:
            discussion_id = int(self.scope["url_route"]["kwargs"]["discussion_id"])
            self.discussion, self.member = await database_sync_to_async(board_authorise)(user, discussion_id)
        except (Http404, ValueError):
            await self.accept()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        except ConsentRequired:
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.discussion_id = self.discussion.pk
        await self.channel_layer.group_add(board_group(self.discussion_id), self.channel_name)
        await self.accept()
        await self.send(text_data=json.dumps({"type": "hello", "discussion_id": self.discussion_id}))

    async def disconnect(self, code: int) -> None:
        if self.discussion_id is not None:
            await self.channel_layer.group_discard(board_group(self.discussion_id), self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None or len(text_data) > 1024:
            await self._error("message", "Frames must be JSON text of at most 1,024 characters.")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._error("message", "Frames must be valid JSON.")
            return
        if not isinstance(content, dict) or content.get("type") != "ping":
            await self._error("type", 'This socket only accepts {"type": "ping"}.')
            return
        await self.send(text_data=json.dumps({"type": "pong"}))

    async def board_post(self, event: dict[str, Any]) -> None:
        from community.realtime_boards import board_frame_for

        frame, still_member = await database_sync_to_async(board_frame_for)(
            member_id=self.member.pk, discussion=self.discussion, post_id=event["post_id"], kind=event["kind"]
        )
        if not still_member:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if frame is not None:
            await self.send(text_data=json.dumps(frame))

    async def _error(self, field: str, message: str) -> None:
        await self.send(text_data=json.dumps({"type": "error", "field": field, "message": message}))


def board_authorise(user, discussion_id: int):
    """The discussion and membership for a board socket, by the same rules as the discussion page."""
    from community.access import get_membership
    from community.models import Discussion

    discussion = Discussion.objects.select_related("community").filter(pk=discussion_id).first()
    if discussion is None:
        raise Http404("No such discussion.")
    member = get_membership(user, discussion.community)
    if member is None or not discussion_visible_to(discussion, member):
        raise Http404("No such discussion.")
    if not member.has_current_consent:
        raise ConsentRequired(member)
    return discussion, member
