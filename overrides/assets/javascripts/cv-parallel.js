/* CityVoices side-by-side pages: which language comes first (left on wide
   screens, on top on narrow ones).  The page's own language comes first
   until the reader chooses; the choice is kept (localStorage) for every
   side-by-side page.  The cells are moved in the document, not only on
   screen, so reading and tab order follow what is shown. */
(function () {
  var KEY = "cityvoices.side-by-side.first"
  var root = document.querySelector(".cv-parallel")
  if (!root) return

  function apply(first) {
    root.setAttribute("data-first", first)
    var holders = root.querySelectorAll(".cv-par-row, .cv-par-heads, .cv-par-captions")
    for (var i = 0; i < holders.length; i++) {
      var holder = holders[i]
      var lead = null
      for (var c = holder.firstElementChild; c; c = c.nextElementSibling) {
        if (c.getAttribute("lang") === first) { lead = c; break }
      }
      if (lead && lead !== holder.firstElementChild) holder.insertBefore(lead, holder.firstElementChild)
    }
    var buttons = root.querySelectorAll(".cv-par-first")
    for (var b = 0; b < buttons.length; b++) {
      buttons[b].setAttribute("aria-pressed", String(buttons[b].getAttribute("data-first") === first))
    }
  }

  var saved = null
  try { saved = window.localStorage.getItem(KEY) } catch (e) { /* storage off: page default */ }
  if (saved === "ko" || saved === "en") apply(saved)

  root.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest(".cv-par-first") : null
    if (!button) return
    var first = button.getAttribute("data-first")
    apply(first)
    try { window.localStorage.setItem(KEY, first) } catch (e) { /* not kept */ }
  })
})()
