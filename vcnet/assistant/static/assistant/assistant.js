/* The assistant's chat: the floating panel on every page and the full chat page.
 *
 * Without this file the button is a link to /assistant/ and the form posts there.
 * With it: the button opens a <dialog> (Esc closes it, focus returns to the button) whose chat
 * is loaded on first opening; questions go with htmx, or, when a language model writes the
 * answers, through fetch() reading server-sent events so the answer appears as it is written.
 * Text from the stream is only ever set with textContent; finished answers are server-rendered.
 */
(function () {
  "use strict";

  var STORE = "vcnet.assistant.conversation";

  function remember(id) {
    try {
      if (id) window.sessionStorage.setItem(STORE, id);
      else window.sessionStorage.removeItem(STORE);
    } catch (e) { /* private mode: the panel starts afresh on each page */ }
  }

  function remembered() {
    try { return window.sessionStorage.getItem(STORE) || ""; } catch (e) { return ""; }
  }

  function chatOf(node) { return node && node.closest ? node.closest("[data-asst-chat]") : null; }

  function scrollToEnd(chat) {
    var log = chat && chat.querySelector(".asst-log");
    if (log) log.scrollTop = log.scrollHeight;
  }

  function focusQuestion(root) {
    var field = root && root.querySelector("textarea[name='question']");
    if (field) field.focus();
  }

  function syncConversation(form) {
    var chat = chatOf(form);
    var input = chat && chat.querySelector("input[name='conversation']");
    if (input && chat.dataset.ui === "p") remember(input.value);
  }

  // ---- The panel ---------------------------------------------------------------------------
  var dialog = document.getElementById("asst-panel");
  var opener = document.querySelector("[data-asst-open]");
  var body = dialog ? dialog.querySelector("[data-asst-body]") : null;
  var loaded = false;

  function loadPanel() {
    var url = dialog.dataset.src;
    var id = remembered();
    if (id) url += "?c=" + encodeURIComponent(id);
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        body.innerHTML = html;
        if (window.htmx) window.htmx.process(body);
        loaded = true;
        scrollToEnd(body.querySelector("[data-asst-chat]"));
        focusQuestion(body);
      })
      .catch(function () {
        body.textContent = dialog.dataset.failed || "";
      });
  }

  function openPanel(event) {
    if (!dialog || typeof dialog.showModal !== "function") return; // the link opens the page
    event.preventDefault();
    if (!dialog.open) dialog.showModal();
    opener.setAttribute("aria-expanded", "true");
    if (loaded) focusQuestion(body);
    else loadPanel();
  }

  if (dialog && opener && body) {
    opener.addEventListener("click", openPanel);
    dialog.addEventListener("close", function () {
      opener.setAttribute("aria-expanded", "false");
      opener.focus();
    });
    // A click on the backdrop (outside the panel's box) closes it.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
    });
    dialog.querySelector("[data-asst-close]").addEventListener("click", function () {
      dialog.close();
    });
    dialog.querySelector("[data-asst-new]").addEventListener("click", function () {
      remember("");
      loaded = false;
      loadPanel();
    });
  }

  // ---- Asking ------------------------------------------------------------------------------
  // Enter sends, Shift+Enter starts a new line (not while an input method is composing).
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    if (!(field instanceof HTMLTextAreaElement) || !field.form || !field.form.matches(".asst-form")) return;
    event.preventDefault();
    if (typeof field.form.requestSubmit === "function") field.form.requestSubmit();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.matches(".asst-form")) return;
    if (event.detail.successful) form.elements.question.value = "";
    window.setTimeout(function () {
      syncConversation(form);
      scrollToEnd(chatOf(form));
      form.elements.question.focus();
    }, 30);
  });

  function busy(form, on) {
    var indicator = form.querySelector(".asst-thinking");
    var button = form.querySelector("button[type='submit']");
    if (indicator) indicator.classList.toggle("htmx-request", on);
    if (button) button.disabled = on;
  }

  function streamAnswer(form) {
    var chat = chatOf(form);
    var log = chat.querySelector(".asst-log");
    var field = form.elements.question;
    var question = field.value.trim();
    if (!question) { field.reportValidity(); return; }
    var data = new FormData(form);

    var turn = document.createElement("li");
    turn.className = "asst-turn asst-pending";
    var asked = document.createElement("div");
    asked.className = "asst-q";
    asked.textContent = question;
    var answer = document.createElement("div");
    answer.className = "asst-a";
    var text = document.createElement("p");
    text.className = "asst-a-text asst-streaming";
    answer.appendChild(text);
    turn.appendChild(asked);
    turn.appendChild(answer);
    log.appendChild(turn);
    field.value = "";
    busy(form, true);
    scrollToEnd(chat);

    var finished = false;
    function fail(message) {
      text.textContent = message || form.dataset.failed || "";
      turn.classList.add("asst-error");
      turn.setAttribute("role", "alert");
      finished = true;
    }
    function handle(block) {
      var name = "message";
      var lines = [];
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) name = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) lines.push(line.slice(5).replace(/^ /, ""));
      });
      if (!lines.length) return;
      var payload;
      try { payload = JSON.parse(lines.join("\n")); } catch (e) { return; }
      if (name === "meta") {
        form.elements.conversation.value = String(payload.conversation || "");
        syncConversation(form);
      } else if (name === "delta") {
        text.textContent += payload.text || "";
        scrollToEnd(chat);
      } else if (name === "done") {
        var template = document.createElement("template");
        template.innerHTML = payload.html;
        var drawn = template.content.firstElementChild;
        if (drawn) {
          turn.replaceWith(drawn);
          if (window.htmx) window.htmx.process(drawn);
        }
        finished = true;
        scrollToEnd(chat);
      } else if (name === "error") {
        fail(payload.message);
      }
    }

    fetch(form.dataset.stream, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "text/event-stream" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.body || type.indexOf("text/event-stream") !== 0) throw new Error("not a stream");
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) {
              buffer += decoder.decode();
              if (buffer.trim()) handle(buffer);
              return;
            }
            buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, "\n");
            var blocks = buffer.split("\n\n");
            buffer = blocks.pop();
            blocks.forEach(handle);
            return pump();
          });
        }
        return pump();
      })
      .catch(function () { fail(); })
      .then(function () {
        if (!finished) fail();
        busy(form, false);
        field.focus();
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches(".asst-form[data-stream]")) return;
    event.preventDefault();
    streamAnswer(form);
  });

  // ---- Rating: keep the focus where the person was after the block is redrawn ---------------
  var lastRated = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    var block = elt && elt.closest ? elt.closest(".asst-rate") : null;
    if (block) {
      var submitter = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent
        ? event.detail.requestConfig.triggeringEvent.submitter : null;
      lastRated = { id: block.id, thumb: submitter ? submitter.getAttribute("data-thumb") : null };
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!lastRated) return;
    var block = document.getElementById(lastRated.id);
    var thumb = lastRated.thumb;
    lastRated = null;
    if (!block) return;
    var comment = block.querySelector("textarea[name='comment']");
    var pressed = block.querySelector("[data-thumb='" + (thumb || "down") + "']");
    var target = thumb !== "up" && comment && !comment.value ? comment : pressed || comment;
    if (target) target.focus();
  });

  // The full chat page opens at the latest question.
  document.querySelectorAll("[data-asst-chat]").forEach(scrollToEnd);
})();
