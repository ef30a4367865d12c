/* Verbatim live sessions: the room, the moderator console and the client backroom over one WebSocket.
 *
 * Delivery: the server numbers every message per stream (room, backroom, probe). This page remembers
 * the highest number it has shown per stream and reconnects with those numbers, so the server replays
 * what was missed; a skipped number asks for a replay at once. Outgoing messages carry a client id and
 * stay in the outbox until acknowledged; they are re-sent after a reconnect and the server stores each
 * id once. Vanilla JS, no dependencies.
 */
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !window.WebSocket) return;

  var role = root.getAttribute("data-role");
  var socketPath = root.getAttribute("data-socket");
  var last = { room: 0, backroom: 0, probe: 0 };
  var shown = {}; // "stream:seq" -> true
  var outbox = {}; // client_id -> frame
  var maxChars = 0; // the server's limit on one message, from the welcome frame
  var socket = null;
  var retryDelay = 500;
  var stopped = false;
  var lastTypingSent = 0;
  var typing = { room: {}, backroom: {} }; // stream -> name -> timer that forgets them
  var TYPING_SHOWN_MS = 4000; // a typist sends a hint every 2 s while typing (see the composer)
  var presence = {}; // name -> entry
  // The room number the welcome's state already accounts for: replayed events up to it are history
  // (they still show in the log) and must not switch the console back through past states.
  var stateAsOf = 0;
  var gapFree = role === "moderator" ? { room: 1, backroom: 1, probe: 1 } : { room: 1, backroom: 1 };
  // Room numbers of participant lines taken out of the findings: moderators mark them (server-rendered,
  // then kept here), observers have removed them. Sent on reconnect, so the server can put right what
  // changed while this page was away (the withheld and restored frames are not guaranteed to arrive).
  var withheld = {};
  (root.getAttribute("data-withheld") || "").split(",").forEach(function (n) { if (n) withheld[n] = true; });

  function $(selector) { return root.querySelector(selector); }
  function $all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  function status(text) {
    var el = document.querySelector("[data-live-status]");
    if (el) el.textContent = text;
  }
  // Which came last, an error or a line being sent: a late ack of an earlier line must not clear
  // an error about something newer (a too-long line typed after it).
  var eventCount = 0;
  var errorShownAt = 0;
  var sentAt = {};
  function showError(text) {
    var el = $("[data-live-error]");
    if (!el) return;
    if (text) errorShownAt = ++eventCount;
    el.textContent = text || "";
    // On a phone the message box is far below; bring the explanation into view.
    if (text && el.scrollIntoView) el.scrollIntoView({ block: "nearest" });
  }

  // Nothing can be said once the session has ended, nor by participants while it is paused: the
  // boxes say so instead of failing on send.
  function setComposeOpen(state) {
    $all("[data-live-compose]").forEach(function (form) {
      var paused = state === "paused" && role === "participant" && form.getAttribute("data-live-compose") === "room";
      var closed = state === "ended" || paused;
      $all2(form, "textarea, button, select").forEach(function (el) {
        el.disabled = closed;
        if (el.tagName === "TEXTAREA") {
          el.placeholder = state === "ended" ? "The session has ended." : paused ? "The moderator has paused the conversation." : "";
        }
      });
    });
    $all("[data-live-question-add] input, [data-live-question-add] button").forEach(function (el) {
      el.disabled = state === "ended";
    });
  }

  function $all2(el, selector) { return Array.prototype.slice.call(el.querySelectorAll(selector)); }

  // "21:07 UTC", in the site's time zone as the server writes times (the browser's if it cannot).
  function clock(iso) {
    var when = new Date(iso);
    var options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
    var zone = root.getAttribute("data-time-zone");
    try {
      return new Intl.DateTimeFormat("en-GB", zone ? Object.assign({ timeZone: zone }, options) : options).format(when);
    } catch (e) {
      return when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    }
  }

  // The console follows the session: only the buttons that work in this state are enabled
  // (the server refuses the others anyway, and says why), with a line saying where things stand.
  function setConsole(state, endedAt) {
    $all("[data-live-action]").forEach(function (button) {
      var states = (button.getAttribute("data-live-enabled-in") || "").split(" ");
      button.disabled = states.indexOf(state) < 0;
    });
    $all("[data-live-push]").forEach(function (button) { button.disabled = state === "ended"; });
    var note = $("[data-live-console-note]");
    if (!note) return;
    if (state === "ended") {
      // The page says when if it was rendered after the end; a session that ended meanwhile is said here.
      if (note.querySelector("time")) return;
      note.textContent = "";
      var strong = document.createElement("strong");
      strong.textContent = endedAt ? "This session ended at " : "This session has ended";
      if (endedAt) {
        var time = document.createElement("time");
        time.dateTime = endedAt;
        time.textContent = clock(endedAt);
        strong.appendChild(time);
      }
      note.appendChild(strong);
      note.appendChild(document.createTextNode("; the transcript is archived."));
    } else {
      note.textContent = note.getAttribute("data-note-" + state) || "";
    }
  }

  function setState(state, endedAt) {
    if (!state) return;
    // Once the session opens its announced start no longer matters (the server refuses to change it).
    var schedule = document.querySelector(".live-schedule");
    if (schedule && root.getAttribute("data-state") === "scheduled" && state !== "scheduled") schedule.hidden = true;
    var label = { scheduled: "Not started yet", running: "Live", paused: "Paused by the moderator", ended: "Session ended" };
    status(label[state] || state);
    root.setAttribute("data-state", state);
    setComposeOpen(state);
    setConsole(state, endedAt);
  }

  function consoleError(text) {
    var el = $("[data-live-console-error]");
    if (!el) return showError(text);
    el.textContent = text || "";
    if (text && el.scrollIntoView) el.scrollIntoView({ block: "nearest" });
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var query = "?room=" + last.room + "&backroom=" + last.backroom + "&probe=" + last.probe;
    var held = Object.keys(withheld);
    if (held.length) query += "&withheld=" + held.join(",");
    socket = new WebSocket(scheme + location.host + socketPath + query);
    status("Connecting…");
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    };
    socket.onclose = function (event) {
      if (event.code === 4401) { status("Please sign in again."); stopped = true; return; }
      if (event.code === 4403) { status("Accept the community’s consent first."); stopped = true; return; }
      if (event.code === 4404) { status("This session is not available to you."); stopped = true; return; }
      if (stopped) return;
      status("Connection lost; reconnecting…");
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    };
  }

  function handle(frame) {
    switch (frame.type) {
      case "welcome": return onWelcome(frame);
      case "message": return onMessage(frame);
      case "ack": delete outbox[frame.client_id]; return markSent(frame);
      case "error": return onError(frame);
      case "presence": return onPresence(frame);
      case "typing": return onTyping(frame);
      case "questions": return renderQuestions(frame.questions);
      case "replayed": return onReplayed(frame);
      case "withdrawn": return onWithdrawn(frame);
      case "withheld": return markWithheld(frame.seq);
      case "restored": return onRestored(frame);
    }
  }

  function onWelcome(frame) {
    retryDelay = 500;
    if (frame.limits && frame.limits.body) {
      maxChars = frame.limits.body;
      $all("[data-live-compose] textarea").forEach(function (box) { box.maxLength = maxChars; });
    }
    status("Connected");
    stateAsOf = (frame.seqs && frame.seqs.room) || 0;
    applyState(frame.session);
    presence = {};
    frame.presence.forEach(function (p) { presence[p.name] = p; });
    renderPresence();
    if (frame.questions) renderQuestions(frame.questions);
    if (frame.withheld) frame.withheld.forEach(markWithheld); // moderators: as it stands now
    // Anything still unacknowledged is sent again; the server stores each client id once.
    Object.keys(outbox).forEach(function (id) { send(outbox[id]); });
    askForMore(frame.more);
  }

  function askForMore(more) {
    if (!more) return;
    var again = Object.keys(more).some(function (s) { return more[s]; });
    if (again) send({ type: "resume", last: last });
  }
  function onReplayed(frame) { askForMore(frame.more); }

  function applyState(state) {
    if (!state) return;
    var q = $("[data-live-question]");
    if (q && state.question) q.textContent = state.question.text;
    setSpotlight(state.spotlight);
    setState(state.state, state.ended_at);
  }

  function setSpotlight(spot) {
    var el = $("[data-live-spotlight]");
    if (!el) return;
    if (!spot || !spot.seq) { el.hidden = true; el.textContent = ""; el.removeAttribute("data-seq"); return; }
    el.hidden = false;
    el.setAttribute("data-seq", String(spot.seq));
    el.textContent = "";
    var label = document.createElement("p");
    label.className = "eyebrow";
    label.textContent = "Spotlight";
    var body = document.createElement("p");
    body.textContent = (spot.author ? spot.author + ": " : "") + spot.body;
    el.appendChild(label);
    el.appendChild(body);
  }

  function onMessage(m) {
    var key = m.stream + ":" + m.seq;
    if (shown[key]) return;
    if (gapFree[m.stream] && m.seq > last[m.stream] + 1) {
      // A number was skipped: ask the server for what lies between (it stores everything).
      send({ type: "resume", last: last });
    }
    shown[key] = true;
    if (m.seq > last[m.stream]) last[m.stream] = m.seq;
    if (m.stream === "room" || m.stream === "backroom") stopTyping(m.stream, m.author);
    if (m.mine && m.client_id) {
      delete outbox[m.client_id];
      var pending = root.querySelector('[data-client-id="' + m.client_id + '"]');
      if (pending) pending.remove();
    }
    if (m.kind === "question") {
      var q = $("[data-live-question]");
      if (q) q.textContent = m.body;
      // Pushing the first question starts a scheduled session.
      if (m.seq > stateAsOf && root.getAttribute("data-state") === "scheduled") setState("running");
      $all("[data-question-id='" + (m.data && m.data.question_id) + "']").forEach(function (li) { li.classList.add("is-pushed"); });
    }
    if (m.kind === "system" && m.data) {
      var ev = m.data.event;
      if (ev === "spotlight") setSpotlight(m.data);
      var next = { paused: "paused", resumed: "running", started: "running", ended: "ended" }[ev];
      if (next && m.seq > stateAsOf) { setState(next, ev === "ended" ? m.at : null); consoleError(""); }
      if (ev === "ended") { if (role === "moderator") archiveNow(); renderPresence(); }
    }
    if (m.stream === "probe") {
      var panel = $("[data-live-probe-panel]");
      if (panel) panel.hidden = false;
    }
    insert(m);
  }

  // Observers: a line the moderator withheld from the findings. It keeps its number (so nothing
  // looks missing) but leaves the log, and the spotlight if it was there.
  function onWithdrawn(m) {
    var key = m.stream + ":" + m.seq;
    if (!shown[key] && gapFree[m.stream] && m.seq > last[m.stream] + 1) send({ type: "resume", last: last });
    shown[key] = true;
    if (m.seq > last[m.stream]) last[m.stream] = m.seq;
    if (m.stream === "room") withheld[m.seq] = true;
    $all('[data-live-log="' + m.stream + '"] > li[data-seq="' + m.seq + '"]').forEach(function (li) { li.remove(); });
    var spot = $("[data-live-spotlight]");
    if (m.stream === "room" && spot && spot.getAttribute("data-seq") === String(m.seq)) setSpotlight(null);
  }

  // Moderators: a line withheld (here or in another console) loses its Withhold and Spotlight buttons
  // and gets a Restore button.
  function markWithheld(seq) {
    withheld[seq] = true;
    $all('[data-live-log="room"] > li[data-seq="' + seq + '"]').forEach(function (li) {
      li.classList.add("is-withheld");
      // Removed: .btn's display rule would beat the hidden attribute.
      Array.prototype.forEach.call(li.querySelectorAll('[data-live-tool="spotlight"], [data-live-tool="withhold"]'),
        function (b) { b.remove(); });
      if (!li.querySelector('[data-live-tool="restore"]') && li.querySelector('[data-live-tool="probe"]')) {
        li.appendChild(restoreButton(seq));
      }
    });
  }

  // A withheld line back in the findings (here, in another console, or found by the server's check):
  // observers see it again in its place, moderators get it unmarked with its tools.
  function onRestored(frame) {
    delete withheld[frame.seq];
    var key = frame.stream + ":" + frame.seq;
    $all('[data-live-log="' + frame.stream + '"] > li[data-seq="' + frame.seq + '"]').forEach(function (li) { li.remove(); });
    if (!frame.message) return;
    shown[key] = true;
    if (frame.seq > last[frame.stream]) last[frame.stream] = frame.seq;
    insert(frame.message);
  }

  function restoreButton(seq) {
    var button = document.createElement("button");
    button.type = "button";
    button.setAttribute("data-live-tool", "restore");
    button.className = "btn btn-sm linklike";
    button.textContent = "Restore";
    button.title = "Put this line back into the findings";
    button.addEventListener("click", function () { restore(seq); });
    return button;
  }

  function describe(m) {
    if (m.kind === "question") return "Question: " + m.body;
    if (m.kind === "system") {
      var ev = m.data && m.data.event;
      return { started: "The session has started.", paused: "The moderator paused the conversation.",
        resumed: "The conversation is open again.", ended: "The session has ended.",
        spotlight: m.data && m.data.seq ? "Spotlight on a message." : "Spotlight cleared." }[ev] || ev;
    }
    return null;
  }

  function insert(m) {
    var log = $('[data-live-log="' + m.stream + '"]');
    if (!log) return;
    var li = document.createElement("li");
    li.setAttribute("data-seq", m.seq);
    li.className = "is-" + m.kind + (m.mine ? " is-mine" : "");
    var text = describe(m);
    if (text) {
      li.textContent = text;
    } else {
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = m.stream === "probe" && role === "moderator" && m.author_role === "moderator"
        ? m.author + " → " + m.recipient : m.author;
      var body = document.createElement("span");
      body.className = "body";
      body.textContent = m.body;
      li.appendChild(who);
      if (m.kind === "note") {
        var tag = document.createElement("strong");
        tag.textContent = "Note to moderator: ";
        li.appendChild(tag);
      }
      li.appendChild(body);
      if (role === "moderator" && m.stream === "room" && m.kind === "message") moderatorTools(li, m);
    }
    var time = document.createElement("time");
    time.dateTime = m.at;
    time.textContent = clock(m.at); // "03:04 UTC": the site's time zone, named as on every page
    li.appendChild(time);
    // Keep the log in number order even when a replay fills a gap.
    var after = null;
    $all('[data-live-log="' + m.stream + '"] > li[data-seq]').some(function (other) {
      if (Number(other.getAttribute("data-seq")) > m.seq) { after = other; return true; }
      return false;
    });
    var stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 30;
    // On phones the page scrolls, not the log (live.css): follow new lines while the reader is at
    // the newest ones, and always show the reader's own line.
    var follow = pageScrolls(log) && (m.mine || log.getBoundingClientRect().bottom <= window.innerHeight + 40);
    log.insertBefore(li, after);
    if (stick) log.scrollTop = log.scrollHeight;
    if (follow) li.scrollIntoView({ block: "nearest" });
  }

  function pageScrolls(log) {
    return window.getComputedStyle(log).overflowY === "visible";
  }

  function moderatorTools(li, m) {
    if (withheld[m.seq]) li.classList.add("is-withheld");
    // A withheld line cannot be spotlighted (the server refuses it too): observers must not see it.
    if (!withheld[m.seq]) {
      var spot = document.createElement("button");
    spot.type = "button";
    spot.setAttribute("data-live-tool", "spotlight"); // hidden once the session has ended (live.css)
    spot.className = "btn btn-sm linklike";
    spot.textContent = "Spotlight";
      spot.addEventListener("click", function () { send({ type: "spotlight", seq: m.seq }); });
      li.appendChild(spot);
    }
    if (m.author_role === "participant") {
      var probe = document.createElement("button");
      probe.type = "button";
      probe.setAttribute("data-live-tool", "probe");
      probe.className = "btn btn-sm linklike";
      probe.textContent = "Probe";
      probe.addEventListener("click", function () {
        var select = $("[data-live-probe-to]");
        ensureOption(select, m.author_id, m.author);
        select.value = String(m.author_id);
        var box = $("#live-probe-input");
        if (box) box.focus();
      });
      li.appendChild(probe);
      if (withheld[m.seq]) { li.appendChild(restoreButton(m.seq)); return; }
      var hold = document.createElement("button");
      hold.type = "button";
      hold.setAttribute("data-live-tool", "withhold");
      hold.className = "btn btn-sm linklike";
      hold.textContent = "Withhold";
      hold.title = "Keep this line out of the findings (analysis, themes, client views)";
      hold.addEventListener("click", function () { withhold(li, hold, m); });
      li.appendChild(hold);
    }
  }

  // The moderator's console turns participants' lines into posts for the analysis once the session
  // ends (idempotent: a worker may have done it already; a replayed "ended" asks again harmlessly).
  function archiveNow() {
    var url = root.getAttribute("data-archive-url");
    if (!url) return;
    fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) { return response.json(); }).then(function (body) {
      if (body.archived) status("Session ended · " + body.archived + (body.archived === 1 ? " line" : " lines") + " archived for analysis");
    }).catch(function () { showError("The lines could not be archived yet; reload the page to try again."); });
  }

  function csrfToken() {
    var token = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return token ? decodeURIComponent(token[1]) : "";
  }

  // Withhold or restore one line: asks the moderator why (kept in the moderation audit), posts
  // to the console's URL, and calls `done` once the server agreed.
  function changeLine(seq, question, urlAttribute, failure, done) {
    var reason = window.prompt(question);
    if (reason === null) return;
    var data = new FormData();
    data.append("seq", String(seq));
    data.append("reason", reason);
    fetch(root.getAttribute(urlAttribute), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) {
        var errors = result.body.errors || {};
        showError(Object.keys(errors).map(function (k) { return errors[k]; }).join(" ") || failure);
        return;
      }
      showError("");
      done();
    }).catch(function () { showError("Could not reach the server; try again."); });
  }

  function withhold(li, button, m) {
    changeLine(m.seq, "Why keep this line out of the findings? (kept in the moderation audit)",
      "data-withhold-url", "Could not withhold that line.", function () {
        markWithheld(m.seq);
        button.remove();
      });
  }

  function restore(seq) {
    // The socket's restored frame puts the line back with its tools.
    changeLine(seq, "Why put this line back into the findings? (kept in the moderation audit)",
      "data-restore-url", "Could not restore that line.", function () {});
  }

  function ensureOption(select, id, name) {
    if (!select || id == null) return;
    if (!select.querySelector('option[value="' + id + '"]')) {
      var option = document.createElement("option");
      option.value = String(id);
      option.textContent = name;
      select.appendChild(option);
    }
  }

  function markSent(frame) {
    var sent = sentAt[frame.client_id];
    delete sentAt[frame.client_id];
    if (sent === undefined || sent > errorShownAt) showError("");
    // A participant's own room line: say which of its details the others see hidden ([EMAIL]...).
    var notice = $("[data-live-notice]");
    if (notice && frame.stream === "room") notice.textContent = frame.notice || "";
  }

  function onError(frame) {
    if (frame.client_id) {
      delete outbox[frame.client_id];
      var pending = root.querySelector('[data-client-id="' + frame.client_id + '"]');
      if (pending) pending.remove();
    }
    // A refused console action is explained beside the console's buttons.
    if (frame.action) return consoleError(frame.message);
    showError(frame.message);
  }

  function onPresence(frame) {
    if (frame.change === "joined") presence[frame.member.name] = frame.member;
    else delete presence[frame.member.name];
    renderPresence();
  }

  function renderPresence() {
    var list = $("[data-live-presence]");
    if (!list) return;
    list.textContent = "";
    if (root.getAttribute("data-state") === "ended") return; // nobody is "here" in an ended session
    Object.keys(presence).sort().forEach(function (name) {
      var p = presence[name];
      var li = document.createElement("li");
      li.textContent = name + (p.role === "moderator" ? " (moderator)" : p.role === "client" ? " (observer)" : "");
      list.appendChild(li);
      if (role === "moderator" && p.role === "participant") ensureOption($("[data-live-probe-to]"), p.id, name);
    });
  }

  // Who is typing, per stream: someone is shown until their line arrives, or until TYPING_SHOWN_MS
  // pass without another hint from them (they stopped, or left).
  function onTyping(frame) {
    var typists = typing[frame.stream];
    if (!typists || !frame.who) return;
    clearTimeout(typists[frame.who]);
    typists[frame.who] = setTimeout(function () { stopTyping(frame.stream, frame.who); }, TYPING_SHOWN_MS);
    renderTyping(frame.stream);
  }

  function stopTyping(stream, who) {
    var typists = typing[stream];
    if (!typists || !(who in typists)) return;
    clearTimeout(typists[who]);
    delete typists[who];
    renderTyping(stream);
  }

  function renderTyping(stream) {
    var el = $('[data-live-typing="' + stream + '"]');
    if (!el) return;
    var names = Object.keys(typing[stream]).sort();
    if (!names.length) { el.textContent = ""; return; }
    if (names.length > 3) { el.textContent = names.length + " people are typing…"; return; }
    var list = names.length === 1 ? names[0] : names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
    el.textContent = list + (names.length === 1 ? " is typing…" : " are typing…");
  }

  function renderQuestions(questions) {
    var list = $("[data-live-questions]");
    if (!list) return;
    list.textContent = "";
    questions.forEach(function (q) {
      var li = document.createElement("li");
      li.setAttribute("data-question-id", q.id);
      if (q.pushed) li.className = "is-pushed";
      var text = document.createElement("span");
      text.textContent = q.text + " ";
      var push = document.createElement("button");
      push.type = "button";
      push.className = "btn btn-sm";
      push.textContent = "Push";
      push.setAttribute("aria-label", "Push question: " + q.text);
      push.setAttribute("data-live-push", "");
      push.disabled = root.getAttribute("data-state") === "ended";
      push.addEventListener("click", function () { send({ type: "question_push", question_id: q.id }); });
      li.appendChild(text);
      li.appendChild(push);
      list.appendChild(li);
    });
  }

  // --- composing ---------------------------------------------------------------------------------

  $all("[data-live-compose]").forEach(function (form) {
    var stream = form.getAttribute("data-live-compose");
    var box = form.querySelector("textarea");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = box.value.trim();
      if (!body) return;
      if (maxChars && body.length > maxChars) {
        showError("Your message is " + body.length.toLocaleString() + " characters; the limit is " + maxChars.toLocaleString() + ". Shorten it or send it in parts.");
        return;
      }
      showError("");
      var frame = { type: "send", stream: stream, body: body, client_id: uuid() };
      var note = form.querySelector('input[name="note"]');
      if (note && note.checked) frame.note = true;
      var to = form.querySelector("[data-live-probe-to]");
      if (to) {
        if (!to.value) { showError("Choose a participant to probe."); return; }
        frame.recipient = Number(to.value);
      }
      outbox[frame.client_id] = frame;
      sentAt[frame.client_id] = ++eventCount;
      showPending(stream, frame);
      send(frame); // if the socket is down, the outbox is sent on reconnect
      box.value = "";
      box.focus();
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    box.addEventListener("input", function () {
      if (stream === "probe") return;
      var now = Date.now();
      if (now - lastTypingSent > 2000) {
        lastTypingSent = now;
        send({ type: "typing", stream: stream });
      }
    });
  });

  function showPending(stream, frame) {
    var log = $('[data-live-log="' + stream + '"]');
    if (!log) return;
    var li = document.createElement("li");
    li.className = "is-mine is-pending";
    li.setAttribute("data-client-id", frame.client_id);
    li.textContent = frame.body + " (sending…)";
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    if (pageScrolls(log)) li.scrollIntoView({ block: "nearest" });
  }

  $all("[data-live-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      var question = button.getAttribute("data-live-confirm");
      if (question && !window.confirm(question)) return;
      consoleError("");
      if (!send({ type: button.getAttribute("data-live-action") })) consoleError("Not connected; try again in a moment.");
    });
  });

  var addForm = $("[data-live-question-add]");
  if (addForm) {
    addForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = addForm.querySelector("input");
      if (!input.value.trim()) return;
      send({ type: "question_add", text: input.value.trim() });
      input.value = "";
    });
  }

  // Keep idle connections alive through proxies.
  setInterval(function () { send({ type: "ping" }); }, 25000);
  connect();
})();
