"""The offline copy of the site (opened from ``file://``): pure rewrites of a
built site's files.  ``cityvoices offline`` (commands/offline.py) builds the
site, applies these and zips the result.

Why not Material's ``offline`` plugin: it adds ``https://unpkg.com/iframe-worker/shim``
to every page (a request outside the site, which also fails offline) and
switches off directory URLs, which our generated links (listings, language
links) are written for.  Material's JavaScript already switches to its
file:// mode by itself (it loads ``search/search_index.js``); what is missing
is done here:

* directory links (``../guide/``) become ``../guide/index.html``, in the
  pages and in the search index, because a browser shows a folder listing
  for a ``file://`` folder;
* ``search/search_index.js`` holds the index as a script;
* the search worker: Chromium refuses ``new Worker(file:…)``, so a small
  shim (``assets/javascripts/cv-offline.js``, our own, no download) runs it
  in a same-origin iframe with the iframe-worker protocol that Material's
  worker and our per-language search worker already support, and turns
  folder locations in search results into ``index.html`` ones.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Callable

SHIM_PATH = "assets/javascripts/cv-offline.js"
HREF_RE = re.compile(r'(?P<attr>\s(?:href|src|action))="(?P<url>[^"]*)"')
HEAD_RE = re.compile(r"<head[^>]*>", re.I)


def _is_relative(url: str) -> bool:
    return not re.match(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)", url) and not url.startswith("/")


def file_url(url: str, page: str, is_dir: Callable[[str], bool]) -> str:
    """``url`` as written in the site page ``page`` (a path like
    ``en/guide/index.html``), with a folder target ending in ``index.html``.
    ``is_dir(site_path)`` tells whether a site path is a folder with an
    ``index.html`` (``""`` is the site's root)."""
    if not url or not _is_relative(url):
        return url
    path, sep, frag = url.partition("#")
    path, qsep, query = path.partition("?")
    if not path:
        return url
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if target.startswith("../"):
        return url
    if not is_dir("" if target == "." else target):
        return url
    path = path.rstrip("/") + "/index.html" if path.rstrip("/") not in ("", ".") else "index.html"
    return path + (qsep + query if qsep else "") + (sep + frag if sep else "")


def rewrite_page(html: str, page: str, is_dir: Callable[[str], bool]) -> str:
    """Every relative link of a page made to work from ``file://``, and the
    worker shim loaded first in ``<head>``."""
    def sub(m: re.Match[str]) -> str:
        return f'{m.group("attr")}="{file_url(m.group("url"), page, is_dir)}"'

    html = HREF_RE.sub(sub, html)
    depth = page.count("/")
    shim = ("../" * depth) + SHIM_PATH
    tag = f'<script src="{shim}"></script>'
    if tag not in html:
        m = HEAD_RE.search(html)
        if m:
            html = html[: m.end()] + tag + html[m.end():]
    return html


def rewrite_search_index(data: str) -> str:
    """Locations ``a/b/`` / ``a/b/#x`` -> ``a/b/index.html`` / ``…#x``."""
    index = json.loads(data)
    for doc in index.get("docs", []):
        loc = doc.get("location", "")
        path, sep, frag = loc.partition("#")
        if path == "" or path.endswith("/"):
            path = path + "index.html"
        doc["location"] = path + (sep + frag if sep else "")
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


def search_index_script(data: str) -> str:
    """What Material loads from ``file://``: the index as a global."""
    return f"var __index = {data}"


SHIM = r"""/* CityVoices offline copy: Material's search worker under file://.
 * Chromium refuses `new Worker(file:...)`, so the worker runs in a hidden
 * same-origin (srcdoc) iframe, the way Material's iframe-worker shim does
 * it (whose unpkg.com copy we must not load): `"IFrameWorker" in parent` is
 * true, the worker script is the iframe's first script[src], importScripts
 * returns a Promise.  Results' folder locations get index.html. */
(function () {
  "use strict";
  if (location.protocol !== "file:" || window.IFrameWorker) return;
  var registry = window.__cvWorkers = {};
  var counter = 0;

  function fileLocation(loc) {
    if (typeof loc !== "string" || /^[a-z][a-z0-9+.-]*:/i.test(loc)) return loc;
    var hash = loc.indexOf("#"), path = hash < 0 ? loc : loc.slice(0, hash);
    var frag = hash < 0 ? "" : loc.slice(hash);
    if (path === "" || path.charAt(path.length - 1) === "/") path += "index.html";
    return path + frag;
  }
  function fixLocations(value, depth) {
    if (!value || typeof value !== "object" || depth > 6) return;
    if (Array.isArray(value)) { value.forEach(function (v) { fixLocations(v, depth + 1); }); return; }
    if (typeof value.location === "string") value.location = fileLocation(value.location);
    for (var key in value) if (key !== "location") fixLocations(value[key], depth + 1);
  }

  var INNER = [
    "(function () {",
    "  var id = ID, host = parent.__cvWorkers[id], listeners = [];",
    "  var add = window.addEventListener.bind(window);",
    "  window.addEventListener = function (type, fn, opts) {",
    "    if (type === 'message') listeners.push(fn); else add(type, fn, opts); };",
    "  window.postMessage = function (data) { host.receive(data); };",
    "  window.importScripts = function () {",
    "    var urls = Array.prototype.slice.call(arguments);",
    "    return urls.reduce(function (chain, url) { return chain.then(function () {",
    "      return new Promise(function (resolve, reject) {",
    "        var s = document.createElement('script'); s.src = new URL(url, document.querySelector('script[src]').src).href;",
    "        s.onload = resolve; s.onerror = function () { reject(new Error('cannot load ' + url)); };",
    "        document.head.appendChild(s); }); }); }, Promise.resolve()); };",
    "  window.__cvDeliver = function (data) {",
    "    var ev = new MessageEvent('message', { data: data });",
    "    listeners.forEach(function (fn) { fn(ev); });",
    "    if (typeof window.onmessage === 'function') window.onmessage(ev); };",
    "})();"
  ].join("\n");

  function IFrameWorker(url) {
    var target = new EventTarget(), self = this, id = ++counter;
    this._target = target; this._queue = []; this._ready = false; this.onmessage = null; this.onerror = null;
    registry[id] = {
      receive: function (data) {
        if (data && data.type === 3) fixLocations(data.data, 0);
        var ev = new MessageEvent("message", { data: data });
        target.dispatchEvent(ev);
        if (typeof self.onmessage === "function") self.onmessage(ev);
      },
      ready: function () {
        self._ready = true;
        self._queue.splice(0).forEach(function (d) { self._frame.contentWindow.__cvDeliver(d); });
      },
      error: function (message) {
        var ev = new ErrorEvent("error", { message: message });
        target.dispatchEvent(ev);
        if (typeof self.onerror === "function") self.onerror(ev);
      }
    };
    var src = new URL(url, location.href).href.replace(/"/g, "&quot;");
    var frame = document.createElement("iframe");
    frame.hidden = true; frame.setAttribute("aria-hidden", "true"); frame.tabIndex = -1;
    frame.srcdoc = "<!doctype html><html><head><script>" + INNER.replace("ID", String(id)) +
      "<\/script><script src=\"" + src + "\" onerror=\"parent.__cvWorkers[" + id +
      "].error('cannot load worker')\"><\/script><script>parent.__cvWorkers[" + id +
      "].ready()<\/script></head></html>";
    this._frame = frame;
    (document.body || document.documentElement).appendChild(frame);
  }
  IFrameWorker.prototype.postMessage = function (data) {
    if (this._ready) this._frame.contentWindow.__cvDeliver(data); else this._queue.push(data);
  };
  IFrameWorker.prototype.addEventListener = function (t, f, o) { this._target.addEventListener(t, f, o); };
  IFrameWorker.prototype.removeEventListener = function (t, f, o) { this._target.removeEventListener(t, f, o); };
  IFrameWorker.prototype.dispatchEvent = function (e) { return this._target.dispatchEvent(e); };
  IFrameWorker.prototype.terminate = function () { this._frame.remove(); };
  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
"""


def worker_shim() -> str:
    """The JavaScript of :data:`SHIM` (see there)."""
    return SHIM
