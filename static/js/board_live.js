/* Verbatim boards: new posts, replies, edits and moderation appear without reloading.
 * The server renders each post for this reader (same visibility rules and template as the page)
 * and sends {"type": "post", "post_id", "parent_id", "html"} or {"type": "gone", "post_id"}.
 * Vanilla JS; the page works without it.
 */
(function () {
  "use strict";
  var section = document.querySelector("[data-board-socket]");
  if (!section || !window.WebSocket) return;
  var path = section.getAttribute("data-board-socket");
  var delay = 1000;

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim(); // rendered and sanitised by the server
    // Rendered without this reader's request, its forms (flag, moderate) carry no CSRF token:
    // give them the page's own, or they would be refused when sent.
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      template.content.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
        if (!input.value) input.value = token.value;
      });
    }
    return template.content.firstElementChild;
  }

  function apply(frame) {
    var existing = document.getElementById("post-" + frame.post_id);
    if (frame.type === "gone") {
      if (existing) existing.remove();
      return;
    }
    if (frame.type !== "post") return;
    var element = fragment(frame.html);
    if (!element) return;
    element.classList.add("is-new");
    if (existing) {
      existing.replaceWith(element);
      return;
    }
    if (frame.parent_id) {
      var parent = document.getElementById("post-" + frame.parent_id);
      if (!parent) return; // its thread is on another page
      var thread = parent.closest(".thread") || parent.parentNode;
      var replies = thread.querySelectorAll("article.reply");
      var after = replies.length ? replies[replies.length - 1] : parent;
      after.after(element);
      return;
    }
    var empty = section.querySelector(".empty-state");
    if (empty) empty.remove();
    var wrapper = document.createElement("div");
    wrapper.className = "thread card";
    wrapper.appendChild(element);
    section.appendChild(wrapper);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + path);
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (event) {
      try { apply(JSON.parse(event.data)); } catch (e) { /* ignore a malformed frame */ }
    };
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403 || event.code === 4404) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    };
  }
  connect();
})();
