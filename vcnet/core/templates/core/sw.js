/* VCNET service worker (rendered by vcnet.core.views.service_worker; served at /sw.js for scope "/").
 * Precaches the offline page and the static shell; pages always come from the network, and the
 * offline page answers when a navigation fails. */
"use strict";

const VERSION = {{ version_json|safe }};
const CACHE = "vcnet-shell-" + VERSION;
const OFFLINE_URL = {{ offline_url_json|safe }};
const PRECACHE = {{ precache_json|safe }};
const PRECACHED = new Set(PRECACHE.map((url) => new URL(url, self.location.origin).href));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("vcnet-shell-") && key !== CACHE).map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;

  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE).then((cache) => cache.match(OFFLINE_URL)).then((response) =>
          response || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } })
        )
      )
    );
    return;
  }

  if (PRECACHED.has(request.url)) {
    // The static shell: answer from the cache at once and refresh it in the background.
    event.respondWith(
      caches.open(CACHE).then((cache) =>
        cache.match(request).then((cached) => {
          const refreshed = fetch(request)
            .then((response) => {
              if (response.ok) cache.put(request, response.clone());
              return response;
            })
            .catch(() => cached);
          if (cached) {
            event.waitUntil(refreshed);
            return cached;
          }
          return refreshed;
        })
      )
    );
  }
});

// Web Push (vcnet.notifications.push): show the notification; a click opens its page.
{% load static %}const PUSH_ICON = "{% static 'core/icons/icon-192.png' %}";
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { title: event.data ? event.data.text() : "VCNET" };
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "VCNET", {
      body: message.body || "",
      icon: PUSH_ICON,
      tag: message.kind || undefined,
      data: { url: message.url || "/notifications/" },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data && event.notification.data.url || "/notifications/", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target.href && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(target.href);
    })
  );
});
