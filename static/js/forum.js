/* Live updates for forum board and thread pages. The pages work without this script;
   it adds new posts and threads as they happen, applies edits, removals, hides and
   restores (those missed while offline too), presence, and mention suggestions.
   Post HTML arrives already cleaned by the server's sanitiser. */
(function () {
  "use strict";

  var root = document.getElementById("forum-live");
  var statusEl = document.getElementById("forum-status");

  function announce(text) {
    if (!statusEl) return;
    statusEl.textContent = "";
    window.setTimeout(function () { statusEl.textContent = text; }, 50);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* ---- thread pages ------------------------------------------------------------ */

  /* The reader of the page: `id`, and for moderators `moderator` and the `csrf` token
     their Hide and Restore buttons send. */
  function renderPost(post, viewer) {
    var article = el("article", { "class": "forum-post live-new", "id": "post-" + post.id, "data-post-id": post.id, "data-author-id": post.author_id });
    fillPost(article, post, viewer);
    return article;
  }

  function moderateForm(id, action, viewer) {
    var form = el("form", { method: "post", action: "/forum/posts/" + id + "/moderate/", "class": "inline" });
    form.appendChild(el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: viewer.csrf }));
    form.appendChild(el("input", { type: "hidden", name: "action", value: action }));
    form.appendChild(el("button", { type: "submit", "class": "link-button" }, action === "hide" ? "Hide post" : "Restore post"));
    return form;
  }

  function fillPost(article, post, viewer) {
    article.textContent = "";
    article.classList.remove("hidden-post");
    article.setAttribute("data-version", post.version);
    var header = el("header", { "class": "meta" });
    header.appendChild(el("strong", { "class": "post-author" }, post.author));
    if (post.champion) {
      header.appendChild(document.createTextNode(" "));
      header.appendChild(el("span", { "class": "badge champion-badge" }, "Systemic champion"));
    }
    header.appendChild(document.createTextNode(" · "));
    header.appendChild(el("time", { datetime: post.created_at }, post.when));
    if (post.edited && !post.removed) {
      header.appendChild(document.createTextNode(" · "));
      header.appendChild(el("span", { "class": "edited" }, "edited"));
    }
    article.appendChild(header);
    if (post.removed) {
      article.classList.add("removed-post");
      article.appendChild(el("p", { "class": "post-removed" }, "Post removed"));
      return;
    }
    if (post.quote) {
      var quote = el("blockquote", { "class": "post-quote" });
      quote.appendChild(el("p", { "class": "meta" }, post.quote.author + " wrote:"));
      var quoted = el("div");
      quoted.innerHTML = post.quote.html; // cleaned by the server
      quote.appendChild(quoted);
      article.appendChild(quote);
    }
    var body = el("div", { "class": "post-body" });
    body.innerHTML = post.html; // cleaned by the server
    article.appendChild(body);
    var actions = el("p", { "class": "post-actions" });
    actions.appendChild(el("a", { href: "?quote=" + post.id + "#reply" }, "Quote"));
    actions.appendChild(document.createTextNode(" "));
    if (String(post.author_id) === String(viewer.id)) {
      actions.appendChild(el("a", { href: "/forum/posts/" + post.id + "/edit/" }, "Edit"));
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(el("a", { href: "/forum/posts/" + post.id + "/remove/" }, "Remove"));
    } else {
      actions.appendChild(el("a", { href: "/forum/posts/" + post.id + "/report/" }, "Report"));
    }
    article.appendChild(actions);
    if (viewer.moderator) article.appendChild(moderateForm(post.id, "hide", viewer));
  }

  /* A moderator still sees a hidden post, marked as the server draws it: "Hidden by a
     moderator", no quoting or editing, and a Restore button. */
  function markHidden(article, viewer) {
    var id = article.getAttribute("data-post-id");
    article.classList.add("hidden-post");
    // The restore that follows is a different version of the post: redraw it then.
    article.setAttribute("data-version", "hidden");
    var header = article.querySelector("header.meta");
    if (header && !header.querySelector(".hidden-mark")) {
      header.appendChild(document.createTextNode(" · "));
      header.appendChild(el("strong", { "class": "hidden-mark" }, "Hidden by a moderator"));
    }
    Array.prototype.forEach.call(article.querySelectorAll(".post-actions a"), function (link) {
      if (!/\/report\/$/.test(link.getAttribute("href"))) link.remove();
    });
    Array.prototype.forEach.call(article.querySelectorAll("form"), function (form) { form.remove(); });
    if (!article.querySelector(".post-removed")) article.appendChild(moderateForm(id, "restore", viewer));
  }

  function threadHandlers(state) {
    var list = document.getElementById("forum-posts");
    var viewer = {
      id: root.getAttribute("data-user-id"),
      moderator: root.getAttribute("data-moderator") === "1",
      csrf: root.getAttribute("data-csrf") || ""
    };
    var live = root.getAttribute("data-live") === "1";
    // The posts that belong on this page: from its first post (any on page 1) to its
    // last (any on the last page). A post outside them is on another page.
    var lowest = parseInt(root.getAttribute("data-first-post-id") || "0", 10);
    var highest = live ? Infinity : state.last;

    function insertInOrder(article, id) {
      var later = null;
      Array.prototype.some.call(list.querySelectorAll("article[data-post-id]"), function (other) {
        if (parseInt(other.getAttribute("data-post-id"), 10) > id) { later = other; return true; }
        return false;
      });
      list.insertBefore(article, later);
    }

    /* Show the post as it now is: "updated" if the page had an older version, "same"
       if it had this one, "added" if it belongs here and was not (new, or shown again
       by a moderator), else "". */
    function showPost(post) {
      var existing = document.getElementById("post-" + post.id);
      if (existing) {
        // A fetch of missed changes overlaps what the page has: leave a post as the
        // server drew it (with a moderator's buttons) unless it changed.
        if (existing.getAttribute("data-version") === post.version) return "same";
        fillPost(existing, post, viewer);
        return "updated";
      }
      if (post.id < lowest || post.id > highest) return "";
      insertInOrder(renderPost(post, viewer), post.id);
      return "added";
    }

    function addPost(post, quiet) {
      state.last = Math.max(state.last, post.id);
      var shown = showPost(post);
      if (quiet) return;
      if (shown === "added") announce("New reply from " + post.author + ".");
      else if (!shown) announce("There is a new reply on the last page.");
    }

    /* A hidden post leaves the page, except a moderator's, where it stays marked. */
    function hidePost(id) {
      var existing = document.getElementById("post-" + id);
      if (!existing) return false;
      if (viewer.moderator) markHidden(existing, viewer);
      else existing.remove();
      return true;
    }

    return {
      backfill: function (data) {
        (data.posts || []).forEach(function (p) { addPost(p, true); });
        (data.hidden || []).forEach(hidePost);
        if (data.since) state.since = data.since;
      },
      "post.created": function (msg) { addPost(msg.post); },
      "post.updated": function (msg) {
        var shown = showPost(msg.post);
        if (shown === "updated") announce(msg.post.removed ? "A post was removed." : "A post was edited.");
        else if (shown === "added") announce("A post from " + msg.post.author + " is shown again.");
      },
      "post.hidden": function (msg) {
        if (hidePost(msg.id)) announce("A post was hidden by a moderator.");
      },
      "thread.changed": function (msg) {
        var tag = document.getElementById("thread-locked");
        if (tag) tag.hidden = !msg.is_locked;
      },
      presence: function (msg) {
        var reading = document.getElementById("forum-reading");
        if (reading) reading.textContent = msg.count + (msg.count === 1 ? " person" : " people") + " reading";
      }
    };
  }

  /* ---- board pages ------------------------------------------------------------- */

  function boardHandlers(state) {
    var list = document.getElementById("forum-threads");
    // Later pages hold older threads: activity moves a thread to page 1, so they do not
    // take new threads in; they point to page 1 instead.
    var firstPage = root.getAttribute("data-page") === "1";
    var newer = document.getElementById("forum-newer");

    /* Where the server puts a thread with new activity: pinned threads first, then
       the most recently active. */
    function place(item) {
      var anchor;
      if (item.getAttribute("data-pinned") === "1") {
        anchor = list.firstElementChild;
      } else {
        var pinned = list.querySelectorAll('li[data-pinned="1"]');
        anchor = pinned.length ? pinned[pinned.length - 1].nextElementSibling : list.firstElementChild;
      }
      if (anchor !== item) list.insertBefore(item, anchor);
    }

    function upsert(thread, quiet) {
      state.last = Math.max(state.last, thread.last_post_id);
      var item = list.querySelector('[data-thread-id="' + thread.id + '"]');
      if (!item && !firstPage) {
        if (newer && newer.hidden) {
          newer.hidden = false;
          if (!quiet) announce("There is new activity on page 1.");
        }
        return;
      }
      if (!item) {
        var empty = list.querySelector(".forum-empty");
        if (empty) empty.remove();
        item = el("li", { "data-thread-id": thread.id, "class": "unread" });
        item.appendChild(el("a", { href: thread.url }, thread.title));
        item.appendChild(document.createTextNode(" "));
        item.appendChild(el("span", { "class": "badge" }, "New"));
        var meta = el("p", { "class": "meta" });
        meta.appendChild(el("span", { "class": "post-count" }, String(thread.post_count)));
        meta.appendChild(document.createTextNode(" posts"));
        item.appendChild(meta);
        if (!quiet) announce("New thread: " + thread.title + ".");
      } else {
        var count = item.querySelector(".post-count");
        if (count) count.textContent = String(thread.post_count);
        item.classList.add("unread");
        if (!quiet) announce("New reply in " + thread.title + ".");
      }
      if (firstPage) place(item);
    }

    return {
      backfill: function (data) { (data.threads || []).forEach(function (t) { upsert(t, true); }); },
      "thread.updated": function (msg) { upsert(msg.thread); },
      "thread.changed": function (msg) {
        var item = list.querySelector('[data-thread-id="' + msg.id + '"]');
        if (!item) return;
        item.setAttribute("data-pinned", msg.is_pinned ? "1" : "0");
        if (firstPage) place(item);
      },
      presence: function () {}
    };
  }

  /* ---- the socket, with reconnect and backfill ------------------------------------ */

  function connect(handlers, state) {
    var attempt = 0;
    var pingTimer = null;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + root.getAttribute("data-ws-path");

    function backfill() {
      var afterUrl = root.getAttribute("data-after-url") + "?after=" + encodeURIComponent(state.last);
      if (state.since) afterUrl += "&since=" + encodeURIComponent(state.since);
      return window.fetch(afterUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(handlers.backfill)
        .catch(function () {});
    }

    function open() {
      var socket = new WebSocket(url);
      socket.addEventListener("open", function () {
        var reconnected = attempt > 0;
        attempt = 0;
        root.setAttribute("data-connected", "1");
        backfill().then(function () { if (reconnected) announce("Reconnected. You are up to date."); });
        pingTimer = window.setInterval(function () {
          if (socket.readyState === 1) socket.send(JSON.stringify({ type: "ping" }));
        }, 30000);
      });
      socket.addEventListener("message", function (event) {
        var msg;
        try { msg = JSON.parse(event.data); } catch (e) { return; }
        var handler = handlers[msg.type];
        if (handler) handler(msg);
      });
      socket.addEventListener("close", function (event) {
        root.setAttribute("data-connected", "0");
        window.clearInterval(pingTimer);
        if (event.code === 4403) {
          announce("You can no longer read this page. Reload it to see why.");
          return;
        }
        attempt += 1;
        var delay = Math.min(30000, 1000 * Math.pow(2, attempt - 1)) * (0.75 + Math.random() * 0.5);
        announce("Connection lost. Trying again in " + Math.round(delay / 1000) + " seconds.");
        window.setTimeout(open, delay);
      });
    }
    open();
  }

  if (root && "WebSocket" in window) {
    var state = {
      last: parseInt(root.getAttribute("data-last-post-id") || "0", 10),
      since: root.getAttribute("data-since") || ""
    };
    var kind = root.getAttribute("data-kind");
    connect(kind === "thread" ? threadHandlers(state) : boardHandlers(state), state);
  }

  /* ---- @mention suggestions ------------------------------------------------------- */

  Array.prototype.forEach.call(document.querySelectorAll("form[data-mention-url]"), function (form) {
    var textarea = form.querySelector("textarea[data-mentions]");
    if (!textarea) return;
    var listId = textarea.id + "-mentions";
    var list = el("ul", { id: listId, "class": "mention-list", role: "listbox", "aria-label": "People to mention" });
    list.hidden = true;
    textarea.parentNode.insertBefore(list, textarea.nextSibling);
    textarea.setAttribute("aria-controls", listId);
    var timer = null;

    function currentWord() {
      var upto = textarea.value.slice(0, textarea.selectionStart);
      var match = /@([^\s@]{1,30}(?: [^\s@]{0,30})?)$/.exec(upto);
      return match ? { text: match[1], start: upto.length - match[0].length } : null;
    }

    function choose(name, word) {
      var before = textarea.value.slice(0, word.start);
      var after = textarea.value.slice(textarea.selectionStart);
      textarea.value = before + "@" + name + " " + after;
      var caret = (before + "@" + name + " ").length;
      textarea.focus();
      textarea.setSelectionRange(caret, caret);
      list.hidden = true;
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      var word = currentWord();
      if (!word) { list.hidden = true; return; }
      timer = window.setTimeout(function () {
        var url = form.getAttribute("data-mention-url") + "?q=" + encodeURIComponent(word.text);
        window.fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
          list.textContent = "";
          (data.people || []).forEach(function (person) {
            var item = el("li", { role: "option" });
            var button = el("button", { type: "button", "class": "link-button" }, person.name);
            button.addEventListener("click", function () { choose(person.name, word); });
            item.appendChild(button);
            list.appendChild(item);
          });
          list.hidden = !(data.people || []).length;
        }).catch(function () {});
      }, 200);
    });
  });
})();
