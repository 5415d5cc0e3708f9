/* CityVoices: the search worker of a copy opened from file://.
 *
 * Chromium refuses `new Worker("file:…")`, so this shim runs the worker
 * script in a hidden iframe of the same origin, the way Material's offline
 * plugin does with the iframe-worker shim it loads from unpkg.com (which our
 * pages may not load): scripts come in through <script> elements
 * (importScripts returns a Promise), messages go both ways as events.
 * Loaded from file:// only, when the reader opens the search, by the stand-in
 * for the search worker that overrides/main.html puts before Material's
 * bundle (it then makes `new IFrameWorker(url)`); over http(s) it does
 * nothing. */
(function () {
  "use strict"
  if (location.protocol !== "file:" || window.IFrameWorker) return

  function IFrameWorker(url) {
    var target = document.createDocumentFragment(), frame = document.createElement("iframe")
    var src = new URL(url, location.href).href, queue = [], ready = false
    frame.style.display = "none"
    frame.setAttribute("aria-hidden", "true")
    frame.tabIndex = -1
    document.body.appendChild(frame)
    var win = frame.contentWindow, doc = frame.contentDocument
    function load(u) {
      return new Promise(function (resolve, reject) {
        var s = doc.createElement("script")
        s.src = new URL(u, src).href
        s.onload = resolve
        s.onerror = function () { reject(new Error("cannot load " + s.src)) }
        doc.head.appendChild(s)
      })
    }
    win.importScripts = function () {
      return Array.prototype.reduce.call(arguments, function (p, u) {
        return p.then(function () { return load(u) })
      }, Promise.resolve())
    }
    win.postMessage = function (data) {
      setTimeout(function () { target.dispatchEvent(new MessageEvent("message", { data: data })) })
    }
    function send(data) { win.dispatchEvent(new win.MessageEvent("message", { data: data })) }
    load(src).then(function () { ready = true; queue.splice(0).forEach(send) })
    this.addEventListener = target.addEventListener.bind(target)
    this.removeEventListener = target.removeEventListener.bind(target)
    this.postMessage = function (data) { ready ? send(data) : queue.push(data) }
    this.terminate = function () { frame.remove() }
  }
  window.IFrameWorker = IFrameWorker
})()
