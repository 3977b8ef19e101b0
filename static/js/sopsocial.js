// sopsocial's small amount of page behaviour. No inline scripts anywhere (Content-Security-Policy).
(function () {
  "use strict";
  // Close an open dropdown (<details>) when Escape is pressed or focus/click leaves it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.dropdown[open]").forEach(function (d) {
      d.removeAttribute("open");
      var summary = d.querySelector("summary");
      if (summary) summary.focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (d) {
      if (!d.contains(event.target)) d.removeAttribute("open");
    });
  });
})();
