// Reflective practice: a "copy the link" button for the private calendar link.
(function () {
  "use strict";
  document.querySelectorAll(".rp-copy").forEach(function (button) {
    var input = document.getElementById(button.dataset.copy);
    if (!input || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = "Link copied";
      });
    });
  });
})();
