/* minyi service worker: keeps the form, its script and styles on the phone so it opens without signal.
   Pages: network first (a fresh form when online), the stored copy when offline.  Scripts and styles carry
   a version in their URL: cache first.  Answers never pass through here: the page keeps them in IndexedDB. */
"use strict";
var VERSION = "__VERSION__";
var CACHE = "minyi-" + VERSION;
var ASSETS = __ASSETS__;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("minyi-") === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  var url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/api/") === 0 || url.pathname.indexOf("/admin") === 0) { return; }
  if (req.mode === "navigate") {
    event.respondWith(fetch(req).then(function (resp) {
      if (resp.ok) { var copy = resp.clone(); caches.open(CACHE).then(function (c) { c.put(req, copy); }); }
      return resp;
    }).catch(function () {
      return caches.match(req).then(function (hit) {
        return hit || new Response("<!DOCTYPE html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
          "<p style='font:18px sans-serif;padding:2em'>当前没有网络，且本机尚未保存此问卷。请联网后再打开。</p>",
          { headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
    }));
    return;
  }
  event.respondWith(caches.match(req).then(function (hit) {
    return hit || fetch(req).then(function (resp) {
      if (resp.ok && (url.pathname.indexOf("/static/") === 0 || url.pathname === "/logic.js")) {
        var copy = resp.clone(); caches.open(CACHE).then(function (c) { c.put(req, copy); });
      }
      return resp;
    });
  }));
});
