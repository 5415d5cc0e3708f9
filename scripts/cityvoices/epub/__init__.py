"""EPUB 3 editions of CityVoices publications, for phones and e-readers.

* :mod:`cityvoices.epub.package` – pure: the PDF's print parts
  (:mod:`cityvoices.pdf.assemble`) -> XHTML chapters with footnote pop-ups,
  navigation, package document, deterministic zip;
* ``epub.css`` – the reflowing style (package data; no embedded fonts);
* :mod:`cityvoices.epub.runner` – the thin I/O shell: plan by content hash,
  render the articles and package the EPUBs in worker processes, cache in
  ``.cache/epub``, write atomically.  It shares planning, the worker pool and
  the cache helpers with :mod:`cityvoices.pdf.runner`.
"""
