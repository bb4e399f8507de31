/* VCNET's small progressive enhancements. Everything works without this file:
 * dropdowns are <details>, forms are plain forms. */
(function () {
  "use strict";

  var script = document.currentScript;

  function openDropdowns() {
    return Array.prototype.slice.call(document.querySelectorAll("details[data-dropdown][open]"));
  }

  // One dropdown open at a time ("toggle" does not bubble, so listen in the capture phase).
  document.addEventListener("toggle", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLDetailsElement) || !target.hasAttribute("data-dropdown") || !target.open) return;
    openDropdowns().forEach(function (other) {
      if (other !== target) other.open = false;
    });
  }, true);

  // Escape closes the open dropdown and puts the focus back on its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openDropdowns().forEach(function (details) {
      details.open = false;
      var summary = details.querySelector("summary");
      if (summary) summary.focus();
    });
  });

  // A click outside an open dropdown closes it.
  document.addEventListener("click", function (event) {
    openDropdowns().forEach(function (details) {
      if (!details.contains(event.target)) details.open = false;
    });
  });

  // The service worker makes VCNET installable and shows an offline page without a network.
  if ("serviceWorker" in navigator && script && script.dataset.sw) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(function () {
        /* Not fatal: the site works without it (e.g. over plain HTTP on a LAN address). */
      });
    });
  }
})();
