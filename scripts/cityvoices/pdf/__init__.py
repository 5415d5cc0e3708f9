"""PDF editions of CityVoices publications.

* :mod:`cityvoices.pdf.assemble` – pure: site HTML -> print HTML (footnotes
  at the call, Korean words kept whole, ids, links), documents (single
  language, bilingual, whole issue), the PDF URL scheme and the site links;
* ``print.css`` – the print style (package data);
* :mod:`cityvoices.pdf.runner` – the thin I/O shell: Markdown with the site's
  configuration, content-hash cache, parallel WeasyPrint jobs, atomic writes.
"""
