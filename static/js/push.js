// Phone notifications on the notification settings page: subscribe this browser to Web Push through the
// site's service worker (/sw.js, registered by pwa.js) and tell the server, or unsubscribe it.
// The server's VAPID public key and the two endpoints come from data attributes on #push-device.
(function () {
  "use strict";

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var errors = data.errors || {};
          var first = Object.keys(errors)[0];
          throw new Error(first ? errors[first][0] : "The server answered " + response.status + ".");
        }
        return data;
      });
    });
  }

  function start() {
    var box = document.getElementById("push-device");
    if (!box) return;
    var status = document.getElementById("push-status");
    var onButton = document.getElementById("push-on");
    var offButton = document.getElementById("push-off");
    var csrfInput = box.querySelector("input[name=csrfmiddlewaretoken]");
    var csrf = csrfInput ? csrfInput.value : "";

    function show(text, subscribed) {
      status.textContent = text;
      onButton.hidden = subscribed !== false;
      offButton.hidden = subscribed !== true;
      onButton.disabled = offButton.disabled = false;
    }

    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      show("This browser cannot receive phone notifications. On an iPhone, add sopsocial to the Home Screen and open it from there.", null);
      return;
    }
    if (!window.isSecureContext) {
      show("Phone notifications need the site to be opened over HTTPS.", null);
      return;
    }

    function registration() {
      var url = document.documentElement.getAttribute("data-service-worker") || "/sw.js";
      return navigator.serviceWorker.register(url).then(function () { return navigator.serviceWorker.ready; });
    }

    function describe(subscription) {
      if (Notification.permission === "denied") {
        show("Notifications are blocked for this site in the browser's settings; allow them there first.", null);
      } else if (subscription) {
        show("Phone notifications are on for this browser.", true);
      } else {
        show("Phone notifications are off for this browser.", false);
      }
    }

    // Whether this browser gets them *here*: its subscription is among this tenant's device list (a
    // browser has one subscription for the whole site, which each tenant may or may not use).
    function listed(subscription) {
      return Array.prototype.some.call(
        document.querySelectorAll("#push-devices input[name=endpoint]"),
        function (input) { return input.value === subscription.endpoint; }
      );
    }

    registration()
      .then(function (reg) { return reg.pushManager.getSubscription(); })
      .then(function (subscription) { describe(subscription && listed(subscription) ? subscription : null); })
      .catch(function (error) { show("Could not check phone notifications: " + error.message, false); });

    onButton.addEventListener("click", function () {
      onButton.disabled = true;
      status.textContent = "Turning phone notifications on…";
      Notification.requestPermission()
        .then(function (permission) {
          if (permission !== "granted") throw new Error("the browser was not allowed to show notifications.");
          return registration();
        })
        .then(function (reg) {
          return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.publicKey) });
        })
        .then(function (subscription) { return post(box.dataset.subscribeUrl, csrf, subscription.toJSON()); })
        .then(function () { window.location.reload(); })
        .catch(function (error) { show("Phone notifications could not be turned on: " + error.message, false); });
    });

    // Off here only: the browser keeps its subscription, which other tenants may use.
    offButton.addEventListener("click", function () {
      offButton.disabled = true;
      registration()
        .then(function (reg) { return reg.pushManager.getSubscription(); })
        .then(function (subscription) {
          if (subscription) return post(box.dataset.unsubscribeUrl, csrf, { endpoint: subscription.endpoint });
          return null;
        })
        .then(function () { window.location.reload(); })
        .catch(function (error) { show("Phone notifications could not be turned off: " + error.message, true); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
