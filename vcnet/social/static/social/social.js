/* Small enhancements of the social pages; everything works without this file. */
(function () {
  "use strict";

  // Ctrl/Cmd+Enter posts from any text box of a form.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || event.key !== "Enter") return;
    if (!(event.ctrlKey || event.metaKey) || !box.form) return;
    event.preventDefault();
    if (box.form.requestSubmit) box.form.requestSubmit(); else box.form.submit();
  });

  // A reaction picker or share box closes when another one opens or on a click elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.sp-picker[open]").forEach(function (details) {
      if (!details.contains(event.target)) details.open = false;
    });
  });
})();
