/* Verbatim: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");

  // Mobile navigation toggle.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (!toggle) return;
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!nav) return;
    var open = nav.classList.toggle("is-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // Dismissible flash messages.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss]");
    if (!button) return;
    var message = button.closest(".message");
    if (message) message.remove();
  });

  // Destructive actions ask first: <form data-confirm="Deactivate this member?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // Scorecard ratings: the slider and the number box (the real field) show the same value. A
  // slider cannot be empty, so it looks faded until the rating is given, not preset to the middle.
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.matches && el.matches("input[data-scale-for]")) {
      var box = document.getElementById(el.getAttribute("data-scale-for"));
      if (box) box.value = el.value;
      el.classList.remove("is-unset");
    } else if (el.id && el.classList && el.classList.contains("scale-number")) {
      var slider = document.querySelector("input[data-scale-for='" + el.id + "']");
      if (!slider) return;
      slider.value = el.value;
      slider.classList.toggle("is-unset", el.value === "");
    }
  });

  // Move focus to the first invalid field so screen-reader and keyboard users land on the problem.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("[aria-invalid='true']");
    if (invalid) invalid.focus();
  });
})();
