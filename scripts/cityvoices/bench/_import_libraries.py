"""The measurement behind the importers' choice of libraries (run by hand:
``python3 -m cityvoices.bench._import_libraries``; not a ``cityvoices bench``
benchmark, because the candidates it compares are not dependencies).

It generates the seed's interleaved .docx (real footnotes, 12 pictures, the
election table with a vertical merge, Heading styles), repeated 8 times, asks
each candidate library what it sees, and prints a Markdown table (the PDF
candidates were timed on the seed's Korean PDF; see BENCHMARKS.md).  Candidates that are not installed are reported as such.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cityvoices.importers import samples


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


REF_ID = 'id="footnote-ref-'


def docx_rows(data: bytes, paragraphs: int) -> list[list[str]]:
    rows = []

    def mammoth_run():
        import mammoth
        images = []

        def keep(image):
            with image.open() as fh:
                images.append(fh.read())
            return {"src": "x"}

        html = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(keep)).value
        return html, images

    try:
        html, images = mammoth_run()
        t = _best(mammoth_run)
        rows.append(["mammoth 1.13 (BSD-2)",
                     f"yes ({html.count(REF_ID)} calls), bodies as HTML at the end",
                     f"{len(images)} (bytes)",
                     f"rowspan kept ({html.count('rowspan')}); cell paragraphs kept",
                     f"yes, by its default style map ({len(re.findall('<h[1-6]', html))})",
                     f"{paragraphs / t:,.0f} para/s"])
    except ImportError:
        rows.append(["mammoth", "not installed", "", "", "", ""])

    def python_docx_run():
        import docx
        d = docx.Document(io.BytesIO(data))
        return d

    try:
        d = python_docx_run()
        t = _best(python_docx_run)
        heads = sum(1 for p in d.paragraphs if p.style is not None and p.style.name.lower().startswith("heading"))
        rows.append(["python-docx 1.2 (MIT)", "no API (raw XML only)",
                     f"{len(d.inline_shapes)} shapes; bytes via the part API",
                     "merged cells repeat the same cell object", f"yes ({heads})",
                     f"{paragraphs / t:,.0f} para/s (parse only)"])
    except ImportError:
        rows.append(["python-docx", "not installed", "", "", "", ""])

    def d2p_run():
        from docx2python import docx2python
        with docx2python(io.BytesIO(data)) as x:
            return x.text, x.images, x.footnotes

    try:
        text, images, notes = d2p_run()
        t = _best(d2p_run)
        calls = len(re.findall(r"footnote\d+\)", text))
        rows.append(["docx2python 3.7 (MIT)", f"markers `----footnoteN----` ({calls}); bodies apart",
                     f"{len(images)} (bytes)", "flattened to nested lists, no spans", "only as text markup",
                     f"{paragraphs / t:,.0f} para/s"])
    except ImportError:
        rows.append(["docx2python", "not installed", "", "", "", ""])

    if shutil.which("pandoc"):
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "x.docx"
            src.write_bytes(data)

            def pandoc_run():
                return subprocess.run(["pandoc", "-f", "docx", "-t", "markdown", f"--extract-media={tmp}/m",
                                       str(src)], capture_output=True, text=True, check=True).stdout

            out = pandoc_run()
            t = _best(pandoc_run, 1)
            notes = len(re.findall(r"^\[\^\d+\]:", out, re.M))
            heads = len(re.findall(r"^#+ ", out, re.M))
            version = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.split()[1]
            rows.append([f"pandoc {version} (GPL-2+, a program)",
                         f"yes ({notes} notes)",
                         f"{out.count('![')} (files)", "grid table; row spans lost in pipe/grid output",
                         f"yes ({heads})", f"{paragraphs / t:,.0f} para/s (one process)"])
    else:
        rows.append(["pandoc", "not installed", "", "", "", ""])

    from cityvoices.importers import docx as ours

    def ours_run():
        return ours.read(data, "x.docx")

    doc = ours_run()
    t = _best(ours_run)
    calls = sum(len(p.notes) for p in doc.paragraphs())
    merged = sum(1 for b in doc.walk() if isinstance(b, samples.Table) for r in b.rows for c in r if c.merged)
    rows.append(["zipfile + lxml (ours)", f"yes ({calls} calls, each at its run)", f"{len(doc.images())} (bytes)",
                 f"spans and merges kept ({merged} covered cells)",
                 f"yes ({sum(1 for p in doc.paragraphs() if p.heading)})", f"{paragraphs / t:,.0f} para/s"])
    return rows


def main() -> int:  # pragma: no cover - a measurement run by hand
    from cityvoices import bench
    from cityvoices.importers.model import Table

    folder = bench.repo_root() / "docs" / "cityvoices" / "2014-1" / "seoul-congress-2013"
    ko, en = (samples.from_markdown((folder / f"index.{lang}.md").read_text(encoding="utf-8"))
              for lang in ("ko", "en"))
    for d in (ko, en):
        d.blocks = [samples.merge_repeated_cells(b) if isinstance(b, Table) else b for b in d.blocks]
    inter = samples.interleaved(ko, en)
    big = samples.Document("seed-x8", "docx", blocks=inter.blocks * 8, notes=inter.notes)
    data, n = samples.docx_bytes(big), len(big.paragraphs())
    head = "| library | footnotes at their calls | images | merged / multi-paragraph cells | heading styles | speed |"
    print(head)
    print("|---|---|---|---|---|---|")
    for row in docx_rows(data, n):
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
