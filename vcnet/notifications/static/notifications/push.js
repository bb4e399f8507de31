/* Turn Web Push on or off for this browser (the settings page's "Notifications on this device"). */
(function () {
  "use strict";

  var panel = document.getElementById("push-panel");
  if (!panel) return;
  function part(name) { return panel.querySelector('[data-push="' + name + '"]'); }
  var enable = part("enable"), disable = part("disable"), status = part("status");

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    part("unsupported").hidden = false;
    return;
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    });
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function show(subscribed) {
    enable.hidden = subscribed;
    disable.hidden = !subscribed;
    status.textContent = part(subscribed ? "text-on" : "text-off").textContent;
  }

  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription().then(function (subscription) {
      show(Boolean(subscription));

      enable.addEventListener("click", function () {
        Notification.requestPermission().then(function (permission) {
          if (permission !== "granted") {
            status.textContent = part("text-denied").textContent;
            return null;
          }
          return registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(panel.dataset.key)
          }).then(function (created) {
            return post(panel.dataset.subscribe, created.toJSON()).then(function () { show(true); });
          });
        });
      });

      disable.addEventListener("click", function () {
        registration.pushManager.getSubscription().then(function (current) {
          if (!current) { show(false); return null; }
          var endpoint = current.endpoint;
          return current.unsubscribe().then(function () {
            return post(panel.dataset.unsubscribe, { endpoint: endpoint });
          }).then(function () { show(false); });
        });
      });
    });
  });
})();
