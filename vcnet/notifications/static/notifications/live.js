/* Live notifications: listens to the server-sent events of /notifications/stream/, updates the
 * header bell's count and shows a short toast for a new notification. The URL comes from the
 * script's data-stream (NOTIFICATIONS_STREAM_URL when `vcnet serve` runs the stream on its ASGI
 * port). The stream ends now and then and EventSource reconnects by itself (`retry:`). */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.dataset.stream || !("EventSource" in window)) return;
  var lastSeen = null;
  var source = null;

  function bellCount(unread) {
    var bell = document.getElementById("notif-bell");
    if (!bell) return;
    var badge = bell.querySelector(".notif-count");
    if (!unread) {
      if (badge) badge.remove();
      return;
    }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge badge-primary notif-count";
      bell.appendChild(badge);
    }
    badge.dataset.unread = String(unread);
    badge.textContent = unread > 99 ? "99+" : String(unread);
  }

  function toast(latest) {
    var box = document.createElement("a");
    box.className = "message message-info notif-toast";
    box.setAttribute("role", "status");
    box.href = latest.url && latest.url.charAt(0) === "/" && latest.url.charAt(1) !== "/" ? latest.url : script.dataset.list;
    box.textContent = latest.title;
    var style = box.style;
    style.position = "fixed";
    style.right = "1rem";
    style.bottom = "1rem";
    style.zIndex = "1000";
    style.maxWidth = "min(24rem, calc(100vw - 2rem))";
    style.boxShadow = "0 4px 16px rgba(0, 0, 0, 0.2)";
    style.display = "block";
    document.body.appendChild(box);
    window.setTimeout(function () { box.remove(); }, 6000);
  }

  function onUnread(event) {
    var state;
    try { state = JSON.parse(event.data); } catch (error) { return; }
    bellCount(state.unread);
    var latest = state.latest;
    if (latest && lastSeen !== null && latest.id > lastSeen) toast(latest);
    if (latest) lastSeen = Math.max(lastSeen || 0, latest.id);
    else if (lastSeen === null) lastSeen = 0;
  }

  function open() {
    if (source) return;
    // The stream may be served from a port of its own (`vcnet serve`): send the session cookie.
    source = new EventSource(script.dataset.stream, { withCredentials: true });
    source.addEventListener("unread", onUnread);
  }

  function close() {
    if (source) { source.close(); source = null; }
  }

  // A hidden tab does not hold a server thread: the stream closes and reopens with the tab.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") open(); else close();
  });
  if (document.visibilityState !== "hidden") open();
})();
