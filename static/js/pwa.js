// The installable web app: register the site's service worker (offline page, phone notifications).
// Its URL is on <html data-service-worker>, set by base.html.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  var url = document.documentElement.getAttribute("data-service-worker");
  if (!url) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url).catch(function () {
      // A browser that refuses (private mode, policy) works as a plain website.
    });
  });
})();
