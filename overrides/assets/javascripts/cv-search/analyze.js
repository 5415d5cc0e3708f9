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

  function shardOf(key, koShards) {
    if (key.charAt(0) === "~") {
      var head = key.slice(1, 3)
      return "l-" + head.replace(/[^0-9a-z]/g, "_")
    }
    return "k-" + ((key.charCodeAt(0) * 31 + key.charCodeAt(1)) % koShards)
  }

  root.cvAnalyze = {
    normalize: normalize, koStem: koStem, enStem: enStem, bigrams: bigrams,
    indexTerms: indexTerms, queryTerms: queryTerms, shardOf: shardOf
  }
})(self)
