// Feeds: live updates (htmx websocket extension, with catch-up on reconnect and a polling fallback)
// and @mention autocomplete. No inline scripts anywhere (Content-Security-Policy).
(function () {
  "use strict";

  // --- Live feed ------------------------------------------------------------------------------
  var socketOpen = false;
  var everOpened = false;

  function live() { return document.getElementById("live-feed"); }

  function newestCursor() {
    var first = document.querySelector("#feed-items .feed-item[data-cursor]");
    return first ? first.getAttribute("data-cursor") : "";
  }

  // Ask the server for everything after the newest item shown (and fresh badges): used after a
  // reconnect and, while the socket is down, on a timer.
  function catchUp() {
    var el = live();
    if (!el || !window.htmx) return;
    var cursor = newestCursor();
    var url = el.getAttribute("data-since-url") + (cursor ? "?after=" + encodeURIComponent(cursor) : "");
    window.htmx.ajax("GET", url, { target: el, swap: "none" });
  }

  // Pushed and caught-up items land in the hidden #live-inbox (present on every page, so an
  // out-of-band swap never misses its target); on the home feed they move to the top of the list.
  function drain() {
    var inbox = document.getElementById("live-inbox");
    if (!inbox) return;
    var feed = document.getElementById("feed-items");
    var items = Array.prototype.slice.call(inbox.children);
    if (feed) {
      for (var i = items.length - 1; i >= 0; i--) feed.insertBefore(items[i], feed.firstChild);
    } else {
      items.forEach(function (item) { item.remove(); });
    }
    dedupe();
  }

  // A pushed item may also arrive through a catch-up: keep the first copy of each.
  function dedupe() {
    var seen = {};
    document.querySelectorAll("#feed-items .feed-item").forEach(function (item) {
      if (seen[item.id]) item.remove();
      else seen[item.id] = true;
    });
    var empty = document.getElementById("feed-empty");
    if (empty && document.querySelector("#feed-items .feed-item")) empty.remove();
  }

  document.addEventListener("htmx:wsOpen", function () {
    socketOpen = true;
    if (everOpened) catchUp();
    everOpened = true;
  });
  document.addEventListener("htmx:wsClose", function () { socketOpen = false; });
  document.addEventListener("htmx:wsError", function () { socketOpen = false; });
  document.addEventListener("htmx:oobAfterSwap", drain);
  document.addEventListener("htmx:wsAfterMessage", drain);

  document.addEventListener("DOMContentLoaded", function () {
    var el = live();
    if (!el) return;
    var seconds = parseInt(el.getAttribute("data-poll-seconds"), 10) || 20;
    window.setInterval(function () {
      if (!socketOpen && !document.hidden) catchUp();
    }, seconds * 1000);
  });

  // --- @mention autocomplete ------------------------------------------------------------------
  var MENTION = /(^|[^\w@/.])@([\w.+-]{1,50})$/;
  var box = null, target = null, active = -1, timer = null;

  function closeBox() {
    if (box) box.remove();
    box = null; active = -1;
    if (target) target.removeAttribute("aria-activedescendant");
  }

  function options() { return box ? Array.prototype.slice.call(box.querySelectorAll("[data-username]")) : []; }

  function highlight(index) {
    var opts = options();
    if (!opts.length) return;
    active = (index + opts.length) % opts.length;
    opts.forEach(function (o, i) {
      o.id = "mention-opt-" + i;
      o.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    target.setAttribute("aria-activedescendant", opts[active].id);
  }

  function pick(option) {
    var value = target.value, caret = target.selectionStart;
    var before = value.slice(0, caret).replace(MENTION, function (m, lead) {
      return lead + "@" + option.getAttribute("data-username") + " ";
    });
    target.value = before + value.slice(caret);
    target.selectionStart = target.selectionEnd = before.length;
    closeBox();
    target.focus();
  }

  function suggest(textarea) {
    var match = MENTION.exec(textarea.value.slice(0, textarea.selectionStart));
    if (!match) { closeBox(); return; }
    var url = textarea.getAttribute("data-mentions") + "?q=" + encodeURIComponent(match[2]);
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        closeBox();
        if (!html) return;
        target = textarea;
        box = document.createElement("div");
        box.className = "mention-box";
        box.innerHTML = html; // server-rendered, escaped fragment
        textarea.insertAdjacentElement("afterend", box);
        textarea.setAttribute("aria-controls", "mention-box");
        box.id = "mention-box";
        box.addEventListener("mousedown", function (e) {
          var opt = e.target.closest("[data-username]");
          if (opt) { e.preventDefault(); pick(opt); }
        });
        highlight(0);
      });
  }

  document.addEventListener("input", function (e) {
    var t = e.target;
    if (!t.matches || !t.matches("textarea[data-mentions]")) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { suggest(t); }, 150);
  });

  document.addEventListener("keydown", function (e) {
    if (!box || e.target !== target) return;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
    else if ((e.key === "Enter" || e.key === "Tab") && options()[active]) { e.preventDefault(); pick(options()[active]); }
    else if (e.key === "Escape") { e.preventDefault(); closeBox(); }
  });

  document.addEventListener("focusout", function (e) {
    if (box && e.target === target) window.setTimeout(closeBox, 150);
  });
})();
