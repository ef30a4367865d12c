// Coding excerpts: the post is shown rendered (Markdown), and an excerpt is stored in offsets of
// the text its author typed (in Unicode code points, as Python counts them). Selecting words in the
// rendered post fills the form's start/end with source offsets through the post's runs
// (research.coding_text: [rendered start, source start, length] for each stretch shown character
// for character) and the text with those source characters; the server checks both against the post.
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

  function sourceOf(article) {
    if (!article._coding) {
      var data = article.querySelector('script[type="application/json"]');
      article._coding = data ? JSON.parse(data.textContent) : { source: "", runs: [] };
      article._coding.chars = Array.from(article._coding.source);
    }
    return article._coding;
  }

  // The source offset where a selection starting at rendered offset `at` starts: in a run, its
  // character; between runs (a character the HTML added), the next run's first.
  function sourceStart(runs, at) {
    for (var i = 0; i < runs.length; i++) {
      var r = runs[i];
      if (at < r[0] + r[2]) return at >= r[0] ? r[1] + at - r[0] : r[1];
    }
    return null;
  }

  // The source offset where a selection ending (exclusive) at rendered offset `at` ends.
  function sourceEnd(runs, at) {
    for (var i = runs.length - 1; i >= 0; i--) {
      var r = runs[i];
      if (at > r[0]) return at <= r[0] + r[2] ? r[1] + at - r[0] : r[1] + r[2];
    }
    return null;
  }

  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    var range = sel.getRangeAt(0);
    var box = range.commonAncestorContainer;
    if (box.nodeType !== 1) box = box.parentNode;
    var text = box.closest ? box.closest("[data-coding-text]") : null;
    if (!text) return;
    var article = text.closest("[data-post]");
    var form = article.querySelector("[data-coding-form]");
    if (!form) return;
    var coding = sourceOf(article);
    var from = offsetIn(text, range.startContainer, range.startOffset);
    var to = offsetIn(text, range.endContainer, range.endOffset);
    var start = sourceStart(coding.runs, from);
    var end = sourceEnd(coding.runs, to);
    var status = form.querySelector("[data-coding-status]");
    if (start === null || end === null || end <= start) {
      form.elements.start.value = "";
      form.elements.end.value = "";
      form.elements.text.value = "";
      status.textContent = "Select words of the post.";
      return;
    }
    form.elements.start.value = start;
    form.elements.end.value = end;
    form.elements.text.value = coding.chars.slice(start, end).join("");
    // What the reader selected, as shown, for the list of coded excerpts.
    form.dataset.shown = Array.from(text.textContent).slice(from, to).join("").trim();
    status.textContent = "Selected " + (to - from) + " characters.";
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
        var shown = form.dataset.shown || res.data.text;
        status.textContent = "Coded “" + shown.slice(0, 60) + "” as " + res.data.code + ".";
        var list = form.parentNode.querySelector("ul.coded-list");
        if (!list) { list = document.createElement("ul"); list.className = "small coded-list"; form.after(list); }
        var li = document.createElement("li");
        li.textContent = res.data.code + ": “" + shown + "”";
        list.appendChild(li);
        form.elements.text.value = "";
        delete form.dataset.shown;
      })
      .catch(function () { status.textContent = "Network error; the excerpt was not saved."; });
  });
})();
