/* CityVoices search worker: speaks Material's search worker protocol
 * (SETUP=0 → READY=1, QUERY=2 → RESULT=3) so Material's search UI, keyboard
 * handling and ?h= highlighting stay as they are, but answers from this
 * language's sharded index (assets/javascripts/cv-search/<lang>/) and loads
 * only the shards a query needs.  Files are scripts, loaded with
 * importScripts: synchronous in a real worker, a Promise under Material's
 * iframe-worker shim (file://), so every load is awaited.
 * Prepended at build time: self.CV_LANG and analyze.js (self.cvAnalyze). */
(function () {
  "use strict"

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
  var MAX_GROUPS = 12       /* pages returned (Material shows 10 at once) */
  var MAX_SECTIONS = 6      /* sections shown per page */
  var MAX_TERMS = 8         /* highlighted stems per query word */
  var SNIPPET_CHARS = 240   /* longest snippet */
  var A = self.cvAnalyze
  var state = { meta: null, shards: {}, docs: {} }

  /* Under the iframe-worker shim this runs in an iframe whose first script
   * is this file (Material's own worker does the same). */
  var here = (typeof parent !== "undefined" && parent !== self && "IFrameWorker" in parent)
    ? document.querySelector("script[src]").src
    : self.location.href
  var base = new URL(self.CV_LANG + "/", here).href
  /* From file:// a folder URL does not open its index.html: point results at the file. */
  var onFile = here.indexOf("file:") === 0
  function pageHref(loc) {
    if (!onFile) return loc
    var m = /^([^#?]*)(.*)$/.exec(loc)
    var path = m[1]
    if (path === "" || path.charAt(path.length - 1) === "/") path += "index.html"
    return path + m[2]
  }

  self.cvSearch = function (kind, id, data) {
    if (kind === "meta") {
      var acc = 0
      data.pageStarts = data.pages.map(function (d) { return (acc += d) })
      state.meta = data
    }
    else if (kind === "shard") state.shards[id] = data
    else if (kind === "docs") state.docs[id] = data
  }

  async function load(names) {
    var urls = names.map(function (n) { return base + n + ".js" })
    if (urls.length) await importScripts.apply(self, urls)
  }

  function editDistanceAtMostOne(a, b) {
    if (a === b) return true
    var la = a.length, lb = b.length
    if (Math.abs(la - lb) > 1) return false
    var i = 0
    while (i < la && i < lb && a.charAt(i) === b.charAt(i)) i++
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true            /* substitution */
      return a.charAt(i) === b.charAt(i + 1) && a.charAt(i + 1) === b.charAt(i) &&
        a.slice(i + 2) === b.slice(i + 2)                           /* transposition */
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1)
  }

  function decode(flat) {
    var out = [], doc = 0
    for (var i = 0; i < flat.length; i += 2) {
      doc += flat[i]
      out.push([doc, flat[i + 1]])
    }
    return out
  }

  function weight(idf, w) { return idf * (w / (w + 1.2)) }

  /* Score every document for one query group: {doc: score} and the terms
   * that matched (for highlighting). */
  function scoreGroup(group) {
    var N = state.meta.docs, scores = null, matched = []
    if (group.kind === "ko") {
      for (var i = 0; i < group.keys.length; i++) {
        var key = group.keys[i]
        var shard = state.shards[A.shardOf(key, state.meta.koShards)] || {}
        var plist = shard[key] ? decode(shard[key]) : []
        var idf = Math.log(1 + N / Math.max(1, plist.length))
        var next = {}
        plist.forEach(function (p) {
          if (scores === null || p[0] in scores)
            next[p[0]] = (scores ? scores[p[0]] : 0) + weight(idf, p[1])
        })
        scores = next
      }
      scores = scores || {}
      if (Object.keys(scores).length) matched.push(group.stem)
      return { scores: scores, matched: matched }
    }
    /* Latin: exact stem, then prefix of what was typed (or of its stem);
     * only when neither finds anything, a stem one typo away ("Rockefeler").
     * Typos are a fallback: "waste" must not also match "was" and "water". */
    scores = {}
    var shard = state.shards[A.shardOf("~" + group.stem, state.meta.koShards)] || {}
    var raw = group.raw, stem = group.stem, found = []
    var keys = Object.keys(shard)
    keys.forEach(function (k) {
      var term = k.slice(1), factor = 0
      if (term === stem) factor = 1
      else if (raw.length >= 2 && term.indexOf(raw) === 0) factor = 0.9
      else if (stem.length >= 3 && term.indexOf(stem) === 0) factor = 0.8
      if (factor) found.push([k, factor])
    })
    if (!found.length && raw.length >= 5) {
      keys.forEach(function (k) {
        var term = k.slice(1)
        if (term.length >= 4 && (editDistanceAtMostOne(term, stem) || editDistanceAtMostOne(term, raw)))
          found.push([k, 0.6])
      })
    }
    found.forEach(function (f) {
      var plist = decode(shard[f[0]])
      var idf = Math.log(1 + N / Math.max(1, plist.length))
      plist.forEach(function (p) {
        var s = f[1] * weight(idf, p[1])
        if (!(p[0] in scores) || scores[p[0]] < s) scores[p[0]] = s
      })
      matched.push([f[1], plist.length, f[0].slice(1)])
    })
    /* the stems to highlight: the best few (a short prefix can match hundreds) */
    matched.sort(function (a, b) { return b[0] - a[0] || b[1] - a[1] })
    return { scores: scores, matched: matched.slice(0, MAX_TERMS).map(function (m) { return m[2] }) }
  }

  function chunkOf(doc) { return lastAtOrBefore(state.meta.chunks, doc) }
  function pageOf(doc) { return state.meta.pageStarts[lastAtOrBefore(state.meta.pageStarts, doc)] }

  function lastAtOrBefore(starts, doc) {
    var lo = 0, hi = starts.length - 1
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1
      if (starts[mid] <= doc) lo = mid; else hi = mid - 1
    }
    return lo
  }

  function record(doc) {
    var c = chunkOf(doc)
    return state.docs[c][doc - state.meta.chunks[c]]
  }

  function escapeHTML(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c]
    })
  }

  /* Text with <mark>s on the words the terms matched (analyze.js
   * highlightSpans: whole words by their analysed form, never a prefix of
   * another word), escaped. */
  function marked(text, terms, spans) {
    spans = spans || A.highlightSpans(state.meta.rules, text, terms)
    var out = "", last = 0
    spans.forEach(function (s) {
      out += escapeHTML(text.slice(last, s[0])) + "<mark data-md-highlight>" +
        escapeHTML(text.slice(s[0], s[1])) + "</mark>"
      last = s[1]
    })
    return out + escapeHTML(text.slice(last))
  }

  /* The snippet: the sentence around the first hit (a window of it when
   * long), or the section's opening when the hit is elsewhere. */
  var RE_SENTENCE_END = /[.!?。？！…]["'”’)\]]*\s+/g
  function snippet(text, terms) {
    var spans = A.highlightSpans(state.meta.rules, text, terms)
    var from = 0, to = Math.min(text.length, SNIPPET_CHARS), m
    if (spans.length) {
      var hit = spans[0]
      from = 0
      to = text.length
      RE_SENTENCE_END.lastIndex = 0
      while ((m = RE_SENTENCE_END.exec(text))) {
        var stop = m.index + m[0].length
        if (stop <= hit[0]) from = stop
        else if (m.index >= hit[1] - 1) { to = m.index + m[0].replace(/\s+$/, "").length; break }
      }
      if (to - from > SNIPPET_CHARS) {
        var start = Math.max(from, hit[0] - Math.floor(SNIPPET_CHARS / 3))
        from = start > from ? text.indexOf(" ", start) + 1 || start : from
        to = Math.min(to, from + SNIPPET_CHARS)
        var space = text.lastIndexOf(" ", to)
        if (space > hit[1]) to = space
      }
    } else if (to < text.length) {
      var cut = text.lastIndexOf(" ", to)
      if (cut > SNIPPET_CHARS / 2) to = cut
    }
    var part = text.slice(from, to)
    var inside = spans.filter(function (s) { return s[0] >= from && s[1] <= to })
      .map(function (s) { return [s[0] - from, s[1] - from] })
    return (from > 0 ? "… " : "") + marked(part, terms, inside) + (to < text.length ? " …" : "")
  }

  /* ?h= carries the matched terms to the page, placed before the fragment
   * (cv-search/page.js marks them and scrolls to the first one). */
  function withTerms(loc, terms) {
    if (!terms.length) return loc
    var m = /^([^#?]*)(\?[^#]*)?(#.*)?$/.exec(loc)
    var h = "h=" + encodeURIComponent(terms.join(" ")).replace(/%20/g, "+")
    return m[1] + (m[2] ? m[2] + "&" : "?") + h + (m[3] || "")
  }

  async function search(query) {
    /* Material queries "" when the search opens: nothing to load yet */
    if (!/[0-9A-Za-z가-힣]/.test(query)) return { items: [] }
    if (!state.meta) await load(["meta"])
    var groups = A.queryTerms(state.meta.rules, query).filter(function (g) {
      return g.kind === "ko" || g.raw.length >= 2
    })
    if (!groups.length) return { items: [] }

    var need = {}
    groups.forEach(function (g) {
      g.keys.forEach(function (k) { need[A.shardOf(k, state.meta.koShards)] = 1 })
    })
    var shardNames = Object.keys(need).filter(function (n) {
      return !(n in state.shards) && state.meta.shards.indexOf(n) >= 0
    })
    await load(shardNames)

    /* Combine: a document's score is the sum of its groups' scores, times
     * the square of the share of the query's words it contains */
    /* terms: what Material shows (a query word that found nothing is
     * struck through); highlight: the analysed terms that matched */
    var total = {}, hits = {}, terms = {}, highlight = {}
    groups.forEach(function (g) {
      var r = scoreGroup(g)
      terms[g.raw] = r.matched.length > 0
      r.matched.forEach(function (t) { highlight[t] = true })
      Object.keys(r.scores).forEach(function (d) {
        total[d] = (total[d] || 0) + r.scores[d]
        hits[d] = (hits[d] || 0) + 1
      })
    })
    var docs = Object.keys(total).map(Number)
    docs.forEach(function (d) {
      var cover = hits[d] / groups.length
      total[d] *= cover * cover
    })
    docs.sort(function (a, b) { return total[b] - total[a] || a - b })

    /* Group by page, best page first; fetch only the documents we show */
    var pages = [], byPage = {}
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i], page = pageOf(d)
      if (!(page in byPage)) {
        if (pages.length >= MAX_GROUPS) continue
        byPage[page] = []
        pages.push(page)
      }
      if (byPage[page].length < MAX_SECTIONS) byPage[page].push(d)
    }
    var chunks = {}
    pages.forEach(function (p) {
      byPage[p].concat([p]).forEach(function (d) { chunks[chunkOf(d)] = 1 })
    })
    await load(Object.keys(chunks).filter(function (c) { return !(c in state.docs) })
      .map(function (c) { return "d-" + c }))

    var hlTerms = Object.keys(highlight)
    function item(d, score) {
      var rec = record(d)
      return {
        location: withTerms(pageHref(rec[0]), hlTerms), title: marked(rec[1], hlTerms),
        text: snippet(rec[2], hlTerms), score: score, terms: terms
      }
    }
    var items = pages.map(function (p) {
      var list = byPage[p].map(function (d) { return item(d, total[d]) })
      if (byPage[p].indexOf(p) < 0) list.push(item(p, 0))
      list.sort(function (a, b) { return b.score - a.score })
      return list
    })
    return { items: items }
  }

  async function handler(message) {
    switch (message.type) {
      case SETUP:
        return { type: READY }
      case QUERY:
        /* A query may wait for shards while the reader types on: answer
         * only the latest, or an older answer could land last */
        var seq = ++latest
        try {
          var data = await search(message.data)
          return seq === latest ? { type: RESULT, data: data } : null
        } catch (err) {
          console.warn("CityVoices search failed", err)
          return { type: RESULT, data: { items: [] } }
        }
      default:
        throw new TypeError("Invalid message type")
    }
  }

  var latest = 0
  addEventListener("message", async function (ev) {
    var reply = await handler(ev.data)
    if (reply) postMessage(reply)
  })
})()
