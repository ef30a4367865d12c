// Coding excerpts: selecting text in a post fills the form's start/end (in Unicode code points,
// as Python counts them) and the selected text; the server checks both against the post.
(function () {
  "use strict";
  var root = document.querySelector("[data-coding]");
  if (!root) return;

  function codePoints(s) { return Array.from(s).length; }

  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    var range = sel.getRangeAt(0);
    var box = range.commonAncestorContainer;
    if (box.nodeType !== 1) box = box.parentNode;
    var text = box.closest ? box.closest("[data-coding-text]") : null;
    if (!text) return;
    var form = text.closest("[data-post]").querySelector("[data-coding-form]");
    var start = offsetIn(text, range.startContainer, range.startOffset);
    var end = offsetIn(text, range.endContainer, range.endOffset);
    form.elements.start.value = start;
    form.elements.end.value = end;
    form.elements.text.value = Array.from(text.textContent).slice(start, end).join("");
    form.querySelector("[data-coding-status]").textContent = "Selected " + (end - start) + " characters.";
  });

  root.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-coding-form]");
    if (!form || !window.fetch) return;
    event.preventDefault();
    var status = form.querySelector("[data-coding-status]");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        if (!res.ok) { status.textContent = res.data.error || "Could not code that selection."; return; }
        status.textContent = "Coded “" + res.data.text.slice(0, 60) + "” as " + res.data.code + ".";
        var list = form.parentNode.querySelector("ul.coded-list");
        if (!list) { list = document.createElement("ul"); list.className = "small coded-list"; form.after(list); }
        var li = document.createElement("li");
        li.textContent = res.data.code + ": “" + res.data.text + "”";
        list.appendChild(li);
        form.elements.text.value = "";
      })
      .catch(function () { status.textContent = "Network error; the excerpt was not saved."; });
  });
})();
