// Resource library: save and remove pages from "My resources" without leaving the
// page. Without this script the same forms post and come back, so nothing depends on it.
(function () {
  "use strict";
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  document.body.appendChild(status);

  function render(form, saved) {
    var action = form.querySelector("input[name=action]");
    var button = form.querySelector("button");
    var title = button.querySelector(".visually-hidden");
    var name = title ? title.textContent.replace(/^[^“]*/, "") : "";
    action.value = saved ? "remove" : "save";
    button.firstChild.textContent = saved ? "Saved to My resources" : "Save to My resources";
    if (title) title.textContent = (saved ? ": remove " : ": ") + name;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-save-form]") || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        render(form, data.saved);
        status.textContent = data.message;
      })
      .catch(function () {
        form.submit();
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
