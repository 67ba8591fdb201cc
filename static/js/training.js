// The register without page reloads: each mark is sent in the background and the row
// updated from the answer. Without JavaScript the same forms post and reload the page.
(function () {
  "use strict";
  var register = document.getElementById("register");
  if (!register || !window.fetch) return;
  var counter = document.getElementById("marked-count");

  register.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!form.classList.contains("register-form") || !button) return;
    event.preventDefault();
    var data = new FormData(form);
    data.append("status", button.value);
    var row = form.closest(".register-row");
    var label = row.querySelector(".register-status");
    var wasMarked = label.textContent.trim() !== "Not marked";
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.error) { label.textContent = answer.error; return; }
        label.textContent = answer.label;
        label.className = "register-status mark mark-" + answer.status;
        form.querySelectorAll("button").forEach(function (b) {
          var current = b.value === answer.status;
          b.classList.toggle("is-current", current);
          b.setAttribute("aria-pressed", current ? "true" : "false");
        });
        if (!wasMarked && counter) counter.textContent = String(Number(counter.textContent) + 1);
      })
      .catch(function () { window.location.reload(); })
      .finally(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        // Disabling the pressed button took focus away: give it back so keyboard users keep their place.
        button.focus();
      });
  });
})();
