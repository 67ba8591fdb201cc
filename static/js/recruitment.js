// Live word counts for the expression-of-interest form's open answers. The server
// enforces the same limits (words are runs of non-space characters).
(function () {
  "use strict";

  function countWords(text) {
    var trimmed = text.trim();
    return trimmed === "" ? 0 : trimmed.split(/\s+/).length;
  }

  function update(textarea, counter, limit) {
    var used = countWords(textarea.value);
    var left = limit - used;
    if (left >= 0) {
      counter.textContent = "You have " + left + (left === 1 ? " word" : " words") + " left (" + used + " of " + limit + ").";
      counter.classList.remove("word-count-over");
    } else {
      counter.textContent = "You have " + -left + (left === -1 ? " word" : " words") + " too many (" + used + " of " + limit + ").";
      counter.classList.add("word-count-over");
    }
  }

  document.querySelectorAll("textarea[data-word-limit]").forEach(function (textarea) {
    var counter = document.getElementById(textarea.id + "-count");
    if (!counter) return;
    var limit = parseInt(textarea.getAttribute("data-word-limit"), 10);
    var describedBy = (textarea.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (describedBy.indexOf(counter.id) === -1) {
      describedBy.push(counter.id);
      textarea.setAttribute("aria-describedby", describedBy.join(" "));
    }
    var timer = null;
    textarea.addEventListener("input", function () {
      // Announce after a short pause rather than on every keystroke.
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { update(textarea, counter, limit); }, 250);
    });
    update(textarea, counter, limit);
  });
})();
