/* CityVoices search: query-time analyser.  Mirrors
 * scripts/cityvoices/search/analyze.py line by line; the rule tables come
 * from the index's meta.js (generated from the Python RULES), so build time
 * and query time always use the same particles, endings and suffixes.
 * tests/test_search_browser.py checks both give the same keys. */
(function (root) {
  "use strict"

  var RE_TOKEN = /[가-힣]+|[a-z0-9]+/g
  var RE_APOS = /['’]s(?![0-9a-z])/g
  var RE_HANGUL = /^[가-힣]/

  function normalize(text) {
    return String(text).normalize("NFKC").toLowerCase().replace(RE_APOS, "")
  }

  function endsWith(s, suf) {
    return s.length >= suf.length && s.slice(s.length - suf.length) === suf
  }

  function koStem(rules, token) {
    var sufs = rules.ko_suffixes
    for (var i = 0; i < sufs.length; i++) {
      if (endsWith(token, sufs[i]) && token.length - sufs[i].length >= 2)
        return token.slice(0, token.length - sufs[i].length)
    }
    return token
  }

  function enStem(rules, token) {
    if (/^[0-9]+$/.test(token) || token.length <= 3) return token
    if (endsWith(token, "ies") && token.length > 4) return token.slice(0, -3) + "y"
    var sufs = rules.en_suffixes
    for (var i = 0; i < sufs.length; i++) {
      var suf = sufs[i]
      if (!endsWith(token, suf)) continue
      if (suf === "s" && rules.en_keep.some(function (k) { return endsWith(token, k) })) continue
      var stem = token.slice(0, token.length - suf.length)
      if (stem.length < 3) continue
      var last = stem.charAt(stem.length - 1)
      if (stem.length >= 4 && last === stem.charAt(stem.length - 2) &&
          "lsz".indexOf(last) < 0 && !/[0-9]/.test(last))
        stem = stem.slice(0, -1)
      if (endsWith(stem, "e") && stem.length > 3) stem = stem.slice(0, -1)
      return stem
    }
    return token
  }

  function bigrams(stem) {
    var out = []
    for (var i = 0; i + 1 < stem.length; i++) out.push(stem.slice(i, i + 2))
    return out
  }

  function tokens(text) {
    var out = [], m
    RE_TOKEN.lastIndex = 0
    while ((m = RE_TOKEN.exec(text))) out.push([m[0], m.index, m.index + m[0].length])
    return out
  }

  /* Same keys as analyze.index_terms (used by the consistency test). */
  function indexTerms(rules, text) {
    var out = [], prevStem = "", prevTok = "", prevEnd = -1
    text = normalize(text)
    tokens(text).forEach(function (t) {
      var tok = t[0]
      if (RE_HANGUL.test(tok)) {
        var stem = koStem(rules, tok)
        if (stem.length >= 2) {
          Array.prototype.push.apply(out, bigrams(tok))
          if (prevStem && /^\s+$/.test(text.slice(prevEnd, t[1]))) {
            out.push(prevStem.charAt(prevStem.length - 1) + tok.charAt(0))
            if (prevTok.charAt(prevTok.length - 1) !== prevStem.charAt(prevStem.length - 1))
              out.push(prevTok.charAt(prevTok.length - 1) + tok.charAt(0))
          }
          prevStem = stem
          prevTok = tok
          prevEnd = t[2]
        } else {
          prevStem = ""
        }
      } else {
        prevStem = ""
        out.push("~" + enStem(rules, tok))
      }
    })
    return out
  }

  function queryTerms(rules, query) {
    var groups = []
    tokens(normalize(query)).forEach(function (t) {
      var tok = t[0]
      if (RE_HANGUL.test(tok)) {
        var stem = koStem(rules, tok)
        if (stem.length < 2) return
        groups.push({ kind: "ko", raw: tok, stem: stem, keys: bigrams(stem) })
      } else {
        var s = enStem(rules, tok)
        groups.push({ kind: "lat", raw: tok, stem: s, keys: ["~" + s] })
      }
    })
    return groups
  }

  /* Highlighting: the analysed terms mapped back to the words of a text
   * (analyze.highlight_spans, line by line).  Latin terms are index stems,
   * Hangul terms query stems; returns [[start, end], ...] in text offsets. */
  var RE_WORD = /[가-힣]+|[A-Za-z0-9]+/g
  var RE_LATIN_TERM = /^[a-z0-9]+$/
  var RE_ALL_HANGUL = /^[가-힣]+$/

  function highlightSpans(rules, text, terms) {
    var latin = {}, hasLatin = false, hangul = []
    terms.forEach(function (t) {
      if (RE_LATIN_TERM.test(t)) { latin[t] = true; hasLatin = true }
      else if (RE_ALL_HANGUL.test(t) && hangul.indexOf(t) < 0) hangul.push(t)
    })
    hangul.sort(function (a, b) { return b.length - a.length || (a < b ? -1 : a > b ? 1 : 0) })
    var words = [], m
    RE_WORD.lastIndex = 0
    while ((m = RE_WORD.exec(text))) words.push([m[0], m.index, m.index + m[0].length])
    var spans = []
    words.forEach(function (w) {
      if (hasLatin && !RE_HANGUL.test(w[0]) && latin[enStem(rules, normalize(w[0]))] === true)
        spans.push([w[1], w[2]])
    })
    if (hangul.length) Array.prototype.push.apply(spans, hangulSpans(rules, text, words, hangul))
    spans.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] })
    var out = []
    spans.forEach(function (s) {
      var last = out[out.length - 1]
      if (last && s[0] < last[1]) {
        if (s[1] > last[1]) last[1] = s[1]
        return
      }
      out.push([s[0], s[1]])
    })
    return out
  }

  function hangulSpans(rules, text, words, terms) {
    var out = [], i = 0
    while (i < words.length) {
      if (!RE_HANGUL.test(words[i][0])) { i++; continue }
      var run = [words[i]]
      while (i + 1 < words.length && RE_HANGUL.test(words[i + 1][0]) &&
             /^\s+$/.test(text.slice(run[run.length - 1][2], words[i + 1][1]))) {
        i++
        run.push(words[i])
      }
      i++
      var joined = "", where = []
      run.forEach(function (w, n) {
        joined += w[0]
        for (var k = 0; k < w[0].length; k++) where.push([w[1] + k, n])
      })
      var taken = []
      terms.forEach(function (term) {
        var pos = joined.indexOf(term)
        while (pos >= 0) {
          var free = true
          for (var k = pos; k < pos + term.length; k++) if (taken[k]) free = false
          if (free) {
            for (k = pos; k < pos + term.length; k++) taken[k] = true
            var start = where[pos][0], lastc = where[pos + term.length - 1]
            var end = lastc[0] + 1, w = run[lastc[1]]
            if (end < w[2] && koStem(rules, w[0]) === w[0].slice(0, end - w[1])) end = w[2]
            out.push([start, end])
          }
          pos = joined.indexOf(term, pos + term.length)
        }
      })
    }
    return out
  }

  function shardOf(key, koShards) {
    if (key.charAt(0) === "~") {
      var head = key.slice(1, 3)
      return "l-" + head.replace(/[^0-9a-z]/g, "_")
    }
    return "k-" + ((key.charCodeAt(0) * 31 + key.charCodeAt(1)) % koShards)
  }

  root.cvAnalyze = {
    normalize: normalize, koStem: koStem, enStem: enStem, bigrams: bigrams,
    indexTerms: indexTerms, queryTerms: queryTerms, shardOf: shardOf,
    highlightSpans: highlightSpans
  }
})(self)
