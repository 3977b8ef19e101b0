// sopsocial's small amount of page behaviour. No inline scripts anywhere (Content-Security-Policy).
(function () {
  "use strict";
  // Close an open dropdown (<details>) when Escape is pressed or focus/click leaves it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.dropdown[open], details.site-menu[open]").forEach(function (d) {
      if (d.classList.contains("site-menu") && wide.matches) return;
      d.removeAttribute("open");
      var summary = d.querySelector("summary");
      if (summary) summary.focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (d) {
      if (!d.contains(event.target)) d.removeAttribute("open");
    });
    if (!wide.matches) {
      document.querySelectorAll("details.site-menu[open]").forEach(function (d) {
        if (!d.contains(event.target)) d.removeAttribute("open");
      });
    }
  });

  // The section menu is always open on wide screens and a "Menu" disclosure on phones. Without
  // JavaScript it simply stays open.
  var wide = window.matchMedia("(min-width: 721px)");
  function fitMenu() {
    document.querySelectorAll("details.site-menu").forEach(function (d) { d.open = wide.matches; });
  }
  wide.addEventListener("change", fitMenu);
  document.addEventListener("DOMContentLoaded", fitMenu);
})();
