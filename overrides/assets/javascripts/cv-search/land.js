/* CityVoices search: the page a search result leads to.  Loaded by
 * cv-chrome.js only when the address carries ?h= (the terms our worker
 * matched: Latin index stems, Hangul query stems).  It marks exactly the
 * words those terms match, with the analyser the index was built with
 * (cvAnalyze.highlightSpans, mirrored by analyze.highlight_spans), and
 * scrolls the first mark of the target section into view.
 * Prepended at build time: self.CV_LANG, self.CV_RULES and analyze.js. */
(function () {
  "use strict"

  var A = self.cvAnalyze, rules = self.CV_RULES
  var h = new URLSearchParams(location.search).get("h")
  var article = document.querySelector("article.md-content__inner")
  if (!h || !article || !A || !rules) return
  var terms = h.split(/\s+/).filter(Boolean)

  var SKIP = /^(SCRIPT|STYLE|MARK|TEXTAREA)$/
  function textNodes(root) {
    var out = [], walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        for (var el = node.parentNode; el && el !== root; el = el.parentNode)
          if (SKIP.test(el.nodeName) || (el.classList && el.classList.contains("headerlink")))
            return NodeFilter.FILTER_REJECT
        return /\S/.test(node.nodeValue) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT
      }
    })
    for (var n = walker.nextNode(); n; n = walker.nextNode()) out.push(n)
    return out
  }

  var marks = []
  textNodes(article).forEach(function (node) {
    var text = node.nodeValue, spans = A.highlightSpans(rules, text, terms)
    if (!spans.length) return
    var frag = document.createDocumentFragment(), last = 0
    spans.forEach(function (s) {
      if (s[0] > last) frag.appendChild(document.createTextNode(text.slice(last, s[0])))
      var mark = document.createElement("mark")
      mark.setAttribute("data-md-highlight", "")
      mark.textContent = text.slice(s[0], s[1])
      frag.appendChild(mark)
      marks.push(mark)
      last = s[1]
    })
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)))
    node.parentNode.replaceChild(frag, node)
  })
  if (!marks.length) return

  /* the first mark at or after the section the result named */
  var target = null
  if (location.hash.length > 1) {
    try { target = document.getElementById(decodeURIComponent(location.hash.slice(1))) } catch (e) { target = null }
  }
  var first = marks[0]
  if (target) {
    for (var i = 0; i < marks.length; i++) {
      if (target === marks[i] || target.compareDocumentPosition(marks[i]) & Node.DOCUMENT_POSITION_FOLLOWING) {
        first = marks[i]
        break
      }
    }
  }
  first.classList.add("cv-hit")

  var moved = false
  ;["wheel", "touchstart", "keydown"].forEach(function (type) {
    addEventListener(type, function () { moved = true }, { once: true, passive: true })
  })
  function top() {
    var header = document.querySelector(".md-header")
    return header ? header.getBoundingClientRect().bottom : 0
  }
  function reveal() {
    if (moved) return
    var r = first.getBoundingClientRect(), head = top()
    if (r.top >= head + 8 && r.bottom <= innerHeight - 8) return
    /* the hit a third down the visible part of the window */
    scrollBy(0, r.top - head - Math.round((innerHeight - head) / 3))
  }
  reveal()
  if (document.readyState !== "complete") addEventListener("load", function () { requestAnimationFrame(reveal) })
})()
