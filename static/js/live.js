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
  var typingTimers = {};
  var presence = {}; // name -> entry
  var gapFree = role === "moderator" ? { room: 1, backroom: 1, probe: 1 } : { room: 1, backroom: 1 };
  // Moderators: room numbers of participant lines taken out of the findings (server-rendered, then kept here).
  var withheld = {};
  (root.getAttribute("data-withheld") || "").split(",").forEach(function (n) { if (n) withheld[n] = true; });

  function $(selector) { return root.querySelector(selector); }
  function $all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  function status(text) {
    var el = document.querySelector("[data-live-status]");
    if (el) el.textContent = text;
  }
  function showError(text) {
    var el = $("[data-live-error]");
    if (!el) return;
    el.textContent = text || "";
    // On a phone the message box is far below; bring the explanation into view.
    if (text && el.scrollIntoView) el.scrollIntoView({ block: "nearest" });
  }

  // Nothing can be said once the session has ended: the boxes say so instead of failing on send.
  function setComposeOpen(state) {
    var ended = state === "ended";
    $all("[data-live-compose] textarea, [data-live-compose] button").forEach(function (el) {
      el.disabled = ended;
      if (ended && el.tagName === "TEXTAREA") el.placeholder = "The session has ended.";
    });
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
    }
  }

  function onWelcome(frame) {
    retryDelay = 500;
    if (frame.limits && frame.limits.body) {
      maxChars = frame.limits.body;
      $all("[data-live-compose] textarea").forEach(function (box) { box.maxLength = maxChars; });
    }
    status("Connected");
    applyState(frame.session);
    presence = {};
    frame.presence.forEach(function (p) { presence[p.name] = p; });
    renderPresence();
    if (frame.questions) renderQuestions(frame.questions);
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
    var label = { scheduled: "Not started yet", running: "Live", paused: "Paused by the moderator", ended: "Session ended" };
    status(label[state.state] || state.state);
    root.setAttribute("data-state", state.state);
    setComposeOpen(state.state);
  }

  function setSpotlight(spot) {
    var el = $("[data-live-spotlight]");
    if (!el) return;
    if (!spot || !spot.seq) { el.hidden = true; el.textContent = ""; return; }
    el.hidden = false;
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
    if (m.mine && m.client_id) {
      delete outbox[m.client_id];
      var pending = root.querySelector('[data-client-id="' + m.client_id + '"]');
      if (pending) pending.remove();
    }
    if (m.kind === "question") {
      var q = $("[data-live-question]");
      if (q) q.textContent = m.body;
      // Pushing the first question starts a scheduled session.
      if (root.getAttribute("data-state") === "scheduled") {
        root.setAttribute("data-state", "running");
        status("Live");
      }
      $all("[data-question-id='" + (m.data && m.data.question_id) + "']").forEach(function (li) { li.classList.add("is-pushed"); });
    }
    if (m.kind === "system" && m.data) {
      var ev = m.data.event;
      if (ev === "spotlight") setSpotlight(m.data);
      if (ev === "paused") status("Paused by the moderator");
      if (ev === "resumed" || ev === "started") status("Live");
      if (ev === "ended") { status("Session ended"); setComposeOpen("ended"); if (role === "moderator") archiveNow(); }
      root.setAttribute("data-state", { paused: "paused", resumed: "running", started: "running", ended: "ended" }[ev] || root.getAttribute("data-state"));
      if (ev === "ended") renderPresence();
    }
    if (m.stream === "probe") {
      var panel = $("[data-live-probe-panel]");
      if (panel) panel.hidden = false;
    }
    insert(m);
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
    time.textContent = new Date(m.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
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
    var spot = document.createElement("button");
    spot.type = "button";
    spot.className = "btn btn-sm linklike";
    spot.textContent = "Spotlight";
    spot.addEventListener("click", function () { send({ type: "spotlight", seq: m.seq }); });
    li.appendChild(spot);
    if (m.author_role === "participant") {
      var probe = document.createElement("button");
      probe.type = "button";
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
      if (withheld[m.seq]) { li.classList.add("is-withheld"); return; }
      var hold = document.createElement("button");
      hold.type = "button";
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
      if (body.archived) status("Session ended · " + body.archived + " lines archived for analysis");
    }).catch(function () { showError("The lines could not be archived yet; reload the page to try again."); });
  }

  function csrfToken() {
    var token = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return token ? decodeURIComponent(token[1]) : "";
  }

  function withhold(li, button, m) {
    var reason = window.prompt("Why keep this line out of the findings? (kept in the moderation audit)");
    if (reason === null) return;
    var data = new FormData();
    data.append("seq", String(m.seq));
    data.append("reason", reason);
    fetch(root.getAttribute("data-withhold-url"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) {
        var errors = result.body.errors || {};
        showError(Object.keys(errors).map(function (k) { return errors[k]; }).join(" ") || "Could not withhold that line.");
        return;
      }
      withheld[m.seq] = true;
      li.classList.add("is-withheld");
      button.remove();  // .btn's display rule would beat the hidden attribute
      showError("");
    }).catch(function () { showError("Could not reach the server; try again."); });
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
    showError("");
  }

  function onError(frame) {
    if (frame.client_id) {
      delete outbox[frame.client_id];
      var pending = root.querySelector('[data-client-id="' + frame.client_id + '"]');
      if (pending) pending.remove();
    }
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

  function onTyping(frame) {
    var el = $('[data-live-typing="' + frame.stream + '"]');
    if (!el) return;
    el.textContent = frame.who + " is typing…";
    clearTimeout(typingTimers[frame.stream]);
    typingTimers[frame.stream] = setTimeout(function () { el.textContent = ""; }, 3000);
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
      send({ type: button.getAttribute("data-live-action") });
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

  // The announced start in the reader's own time zone (the server wrote it in the site's).
  $all("[data-live-waiting] time[datetime]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (isNaN(when)) return;
    // The app's one date format ("26 Nov 00:00"), in the reader's time.
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    el.textContent = when.getDate() + " " + "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ")[when.getMonth()] + " " + two(when.getHours()) + ":" + two(when.getMinutes());
    var zone = el.parentNode && el.parentNode.parentNode && el.parentNode.parentNode.querySelector("[data-live-zone]");
    if (zone) zone.textContent = "(your time)";
  });

  // Keep idle connections alive through proxies.
  setInterval(function () { send({ type: "ping" }); }, 25000);
  connect();
})();
