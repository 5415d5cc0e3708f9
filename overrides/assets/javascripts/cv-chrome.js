/* CityVoices chrome, on every page (overrides/main.html, after Material's
 * bundle).  Works over http(s) and from file:// (the offline copy), and
 * needs no navigation.instant.
 *
 * 1. The language switcher keeps the reader's place.  Paired headings of
 *    the two language versions carry the same data-cv-sec number
 *    (cityvoices.switcher, at build time).  When the reader follows the
 *    other language's link, its fragment is set to
 *      #cv-sec=S&b=B&n=N&f=F
 *    S: the section the reader is in (0: before the first paired heading),
 *    B: the block of that section at the top of the window, N: how many
 *    blocks the section has, F: how far into that block (0..1).  The other
 *    page opens at the same place: the same block when its section has as
 *    many blocks, else the same fraction of the section.  Then the address
 *    shows the section's own heading id.
 * 2. A page opened from a search result (?h=) loads cv-search/land.<lang>.js,
 *    which marks the matched words and scrolls to the first hit. */
(function () {
  "use strict"

  var article = document.querySelector("article.md-content__inner")

  function readingLine() {
    var header = document.querySelector(".md-header")
    return (header ? header.getBoundingClientRect().bottom : 0) + 8
  }

  /* The article's blocks, and the section each belongs to. */
  function blocks() {
    var out = [], sec = 0
    if (!article) return out
    var kids = article.children
    for (var i = 0; i < kids.length; i++) {
      var el = kids[i]
      if (/^(SCRIPT|STYLE|TEMPLATE)$/.test(el.nodeName) || !el.getClientRects().length) continue
      var n = el.getAttribute("data-cv-sec")
      if (n !== null) sec = Number(n)
      out.push({ el: el, sec: sec })
    }
    return out
  }

  function inSection(list, sec) {
    return list.filter(function (b) { return b.sec === sec })
  }

  /* -- 1a. where the reader is --------------------------------------------- */
  function place() {
    var list = blocks(), line = readingLine()
    if (!list.length || !article.querySelector("[data-cv-sec]")) return null
    var at = list[0]
    for (var i = 0; i < list.length; i++) {
      var r = list[i].el.getBoundingClientRect()
      at = list[i]
      if (r.bottom > line) break
    }
    var section = inSection(list, at.sec)
    var rect = at.el.getBoundingClientRect()
    var f = rect.height > 0 ? Math.min(1, Math.max(0, (line - rect.top) / rect.height)) : 0
    return { sec: at.sec, b: section.indexOf(at), n: section.length, f: Math.round(f * 1000) / 1000 }
  }

  var links = document.querySelectorAll(".cv-lang__link:not(.cv-lang__link--current)")
  function update(link) {
    var where = window.scrollY > 0 ? place() : null
    var base = link.getAttribute("href").split("#")[0]
    link.setAttribute("href", where
      ? base + "#cv-sec=" + where.sec + "&b=" + where.b + "&n=" + where.n + "&f=" + where.f
      : base)
  }
  Array.prototype.forEach.call(links, function (link) {
    ;["pointerdown", "focus", "keydown", "contextmenu"].forEach(function (type) {
      link.addEventListener(type, function () { update(link) })
    })
    /* Material's bundle catches clicks on links to a page's alternates and
     * sends the reader to the other language's page itself, without our
     * fragment: the switcher's links go where they say. */
    link.addEventListener("click", function (ev) {
      update(link)
      ev.stopPropagation()
    })
  })

  /* -- 1b. arriving from the other language --------------------------------- */
  var PLACE = /^#cv-sec=(\d+)&b=(\d+)&n=(\d+)&f=([0-9.]+)$/
  var arrived = PLACE.exec(location.hash)
  if (arrived && article) {
    var want = { sec: Number(arrived[1]), b: Number(arrived[2]), n: Number(arrived[3]), f: Number(arrived[4]) }
    var moved = false
    ;["wheel", "touchstart", "keydown"].forEach(function (type) {
      addEventListener(type, function () { moved = true }, { once: true, passive: true })
    })
    var arrive = function () {
      if (moved) return
      var section = inSection(blocks(), want.sec)
      if (!section.length) return
      var b = want.b, f = want.f
      if (section.length !== want.n && want.n > 0) {
        /* not the same blocks: the same share of the section */
        var pos = Math.min(0.9999, (want.b + want.f) / want.n) * section.length
        b = Math.floor(pos)
        f = pos - b
      }
      var el = section[Math.min(b, section.length - 1)].el
      var r = el.getBoundingClientRect()
      window.scrollTo(0, window.scrollY + r.top + f * r.height - readingLine())
    }
    arrive()
    var heading = want.sec > 0 ? article.querySelector('[data-cv-sec="' + want.sec + '"]') : null
    history.replaceState(history.state, "", location.pathname + location.search +
      (heading && heading.id ? "#" + encodeURIComponent(heading.id) : ""))
    /* images and fonts may move the text: once more when the page is complete,
     * and whenever the article changes size while it settles (a lazy image
     * above the place loads after the load event), until the reader moves */
    if (document.readyState !== "complete") addEventListener("load", function () { requestAnimationFrame(arrive) })
    if (window.ResizeObserver) {
      var settling = new ResizeObserver(function () {
        if (moved) settling.disconnect()
        else requestAnimationFrame(arrive)
      })
      settling.observe(article)
      setTimeout(function () { settling.disconnect() }, 5000)
    }
  }

  /* -- 2. a page opened from a search result --------------------------------- */
  var script = document.currentScript
  var landing = script && script.getAttribute("data-cv-land")
  if (landing && /[?&]h=/.test(location.search)) {
    var s = document.createElement("script")
    s.src = landing
    document.body.appendChild(s)
  }
})()
