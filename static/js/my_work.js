// My work: a row acted on in place (complete, acknowledge, reply) says so, and the counts go down.
// Forms post with htmx (hx-post) and work without it (a plain POST that redirects).
(function () {
  "use strict";

  function decrement(el) {
    if (!el) return;
    var n = parseInt(el.textContent, 10);
    if (isNaN(n)) return;
    n = Math.max(0, n - 1);
    el.textContent = String(n);
  }

  function problem(xhr) {
    if (xhr.status === 403) return "You may not do this.";
    if (xhr.status === 404) return "This is no longer here.";
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = (xhr.responseText || "").trim();
    // a refusal sent as plain text (alerts' lifecycle) is the message itself; an HTML answer (a form
    // with its errors) has been swapped in where the person is looking
    if (xhr.status === 422 && type.indexOf("text/plain") === 0 && text && text.length < 300) return text;
    if (xhr.status === 422) return "Not done: see why just above.";
    return "That did not work. Try again, or open the item.";
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-my-work-action")) return;
    var row = form.closest(".my-work-row");
    if (!row) return;
    var result = row.querySelector(".my-work-result");
    var xhr = event.detail.xhr;
    if (event.detail.successful) {
      if (row.classList.contains("is-done")) return;
      row.classList.add("is-done");
      if (result) {
        result.classList.remove("is-error");
        result.textContent = form.getAttribute("data-done-label") || "Done";
      }
      var reply = form.closest("details");
      (reply || form).hidden = true;
      decrement(document.querySelector('[data-section-count="' + row.getAttribute("data-section") + '"]'));
      decrement(document.querySelector('.site-header a[href="' + window.location.pathname + '"] [data-nav-count]'));
      if (result) result.setAttribute("tabindex", "-1");
      if (result) result.focus();
    } else if (result) {
      result.classList.add("is-error");
      result.textContent = problem(xhr);
    }
  });
})();
