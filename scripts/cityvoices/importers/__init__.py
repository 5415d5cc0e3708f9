"""Importers: Word (.docx), PDF, 한글 (HWPX, and binary .hwp) and plain text
become a draft publication pair in the house layout.

Pure: :func:`import_publication` takes the sources' names and bytes and
returns every file to write (both language files, the pictures, the import
report) plus the problems; ``cityvoices import`` reads and writes.

The steps, one module each:

1. a reader per format turns bytes into the one document model
   (:mod:`~cityvoices.importers.model`): :mod:`~cityvoices.importers.docx`,
   :mod:`~cityvoices.importers.pdf`, :mod:`~cityvoices.importers.hwpx`;
   plain text keeps its own splitter (:mod:`cityvoices.langsplit`);
2. :mod:`~cityvoices.importers.layouts` makes a Korean and an English stream
   (interleaved, two-column table, or two files);
3. :mod:`~cityvoices.importers.emit` writes house Markdown;
4. the normalizer (:func:`cityvoices.normalize.normalize_text`) and the
   parallel check (:func:`cityvoices.parallel.check_pair`) run on the result
   before anything is written.
"""

from __future__ import annotations

import datetime as _dt
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from cityvoices import langsplit, parallel, scaffold, syntax
from cityvoices.importers.layouts import Split, split
from cityvoices.importers.model import Document, SourceError
from cityvoices.normalize import normalize_text
from cityvoices.problems import Problem

#: File name endings the importer reads, and what it calls them.
FORMATS = {".docx": "Word", ".pdf": "PDF", ".hwpx": "HWPX", ".hwp": "한글 (binary)", ".txt": "plain text"}
RE_LANG_NAME = re.compile(r"[._-](ko|en)$", re.I)
REPORT = "import-report.md"


def extension(name: str) -> str:
    base = posixpath.basename(name.replace("\\", "/")).lower()
    return "." + base.rsplit(".", 1)[-1] if "." in base else ""


def lang_of_name(name: str) -> str | None:
    """``ko`` for ``X.ko.docx`` / ``X-ko.pdf``, ``en`` likewise, else ``None``."""
    stem = posixpath.basename(name.replace("\\", "/"))
    stem = stem[: -len(extension(stem))] if extension(stem) else stem
    m = RE_LANG_NAME.search(stem)
    return m.group(1).lower() if m else None


def read_document(data: bytes, name: str) -> Document:
    """The document model of one source (raises :class:`SourceError`)."""
    ext = extension(name)
    if ext == ".docx":
        from cityvoices.importers import docx
        doc = docx.read(data, name)
    elif ext == ".hwpx":
        from cityvoices.importers import hwpx
        doc = hwpx.read(data, name)
    elif ext == ".hwp":
        from cityvoices.importers import hwpx
        doc = hwpx.read_hwp(data, name)
    elif ext == ".pdf":
        from cityvoices.importers import pdf
        doc = pdf.read(data, name)
    else:
        known = ", ".join(FORMATS)
        raise SourceError(name, f"cannot import '{ext or 'no extension'}' files; the importer reads {known}",
                          "import-format")
    if not doc.has_text():
        raise SourceError(name, "the file holds no text (only empty paragraphs or pictures); nothing to import",
                          "import-empty")
    return doc


@dataclass
class Publication:
    """What one import produces, before anything is written."""

    folder: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, dict[str, int]] = field(default_factory=dict)
    layout: str = ""
    report: str = ""

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _front_matter(title: str | None, ptype: str, date: _dt.date, authors: list[str], original: str,
                  issue: str | None, event: str | None) -> str:
    meta: dict[str, Any] = {"title": title or "TODO", "type": ptype, "date": date,
                            "authors": authors or ["TODO"], "original": original}
    if issue:
        meta["issue"] = issue
    if event:
        meta["event"] = event
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def _count(text: str) -> dict[str, int]:
    body = text.split("\n---\n", 1)[-1]
    return {"paragraphs": len([c for c in re.split(r"\n\s*\n", body) if c.strip() and not c.startswith(("[^", "///", "!["))]),
            "notes": sum(1 for ln in body.split("\n") if syntax.FN_DEF_RE.match(ln)),
            "figures": sum(1 for ln in body.split("\n") if syntax.IMAGE_LINE_RE.match(ln)),
            "tables": body.count("/// table-caption") + len(re.findall(r"^<table>", body, re.M))}


def import_publication(sources: list[tuple[str, bytes]], ptype: str, slug: str, date: _dt.date, *,
                       issue: str | None = None, event: str | None = None, authors: list[str] | None = None,
                       original: str = "ko", prefix: str = "") -> Publication:
    """Import one publication from one source (interleaved or two-column) or
    two (one per language).  Never raises for bad input: every problem is in
    the result (an ``error`` means nothing may be written).  ``prefix`` goes
    before the new files' paths in messages (``docs/``: the docs folder as
    typed from the repository root); ``files`` stay relative to it."""
    folder = scaffold.folder_for(ptype, slug, date, issue=issue, event=event)
    pub = Publication(folder)
    names = [n for n, _ in sources]
    texts: dict[str, str] = {}
    titles: dict[str, str | None] = {}
    images = None
    result_split: Split | None = None
    if len(sources) == 1 and extension(names[0]) == ".txt":
        from cityvoices import textio
        from cityvoices.problems import CityVoicesError
        try:
            raw = textio.decode(sources[0][1], names[0]).text
        except CityVoicesError as exc:
            pub.problems.append(exc.problem)
            return pub
        s = langsplit.split_bilingual(raw, names[0])
        pub.problems.extend(s.problems)
        texts, titles = dict(s.texts), dict(s.titles)
        pub.layout = "text (interleaved)"
    else:
        from cityvoices.importers.emit import Images, markdown
        if len(sources) > 2:
            pub.problems.append(Problem(names[0], 0, "import-sources",
                                        f"one publication takes one file or two (one per language), not {len(sources)}",
                                        "error"))
            return pub
        docs = []
        for name, data in sources:
            try:
                docs.append(read_document(data, name))
            except SourceError as exc:
                pub.problems.append(exc.problem)
        if len(docs) != len(sources):
            return pub
        for d in docs:
            pub.problems.extend(d.problems)
        result_split = split(docs, original, [lang_of_name(n) for n in names] if len(docs) == 2 else None)
        pub.problems.extend(result_split.problems)
        pub.layout = result_split.layout
        if not result_split.streams:
            return pub
        images = Images()
        for lang in ("ko", "en"):
            stream = result_split.streams[lang]
            texts[lang] = markdown(stream, images)
            titles[lang] = stream.title
            if stream.title is None:
                pub.problems.append(Problem(stream.path, 0, "import-title",
                                            f"{lang}: no title found (no Title style, outline or largest line); "
                                            "set the title by hand", "warning"))
    files: dict[str, str] = {}
    for lang in ("ko", "en"):
        rel = f"{folder}/index.{lang}.md"
        text = _front_matter(titles.get(lang), ptype, date, list(authors or []), original, issue, event) + texts[lang]
        result = normalize_text(text, prefix + rel, lang)
        pub.problems.extend(result.problems)
        files[rel] = result.text
        pub.stats[lang] = _count(result.text)
    report = parallel.check_pair(folder, {lang: (prefix + rel, files[rel]) for rel, lang in
                                          ((f"{folder}/index.{x}.md", x) for x in ("ko", "en"))})
    check_lines = [d.format() for d in report.divergences] + [p.format() for p in report.problems]
    for d in report.divergences:
        pub.problems.append(Problem(d.path, d.line, "import-check", f"{d.message} [{d.kind}]", "warning"))
    pub.problems.extend(report.problems)
    pub.files.update(files)
    if images is not None:
        for rel, data in images.files.items():
            pub.files[f"{folder}/{rel}"] = data
    pub.report = _report(pub, names, result_split, check_lines, report)
    pub.files[f"{folder}/{REPORT}"] = pub.report
    return pub


def _report(pub: Publication, names: list[str], sp: Split | None, check_lines: list[str], rep) -> str:
    """``import-report.md``: what the editor must look at, and everything
    the importer could not place.  Nothing found in a source is dropped
    without a line here."""
    lines = [f"# Import report: {pub.folder}", "",
             f"- sources: {', '.join(f'`{n}`' for n in names)}",
             f"- layout: {pub.layout}", ""]
    lines += ["| | ko | en |", "|---|---:|---:|"]
    for key in ("paragraphs", "notes", "figures", "tables"):
        lines.append(f"| {key} | {pub.stats.get('ko', {}).get(key, 0)} | {pub.stats.get('en', {}).get(key, 0)} |")
    lines.append("")

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.append(f"## {title}")
            lines.append("")
            lines.extend(f"- {i}" for i in items)
            lines.append("")

    by_code: dict[str, list[Problem]] = {}
    for p in pub.problems:
        by_code.setdefault(p.code, []).append(p)
    section("Paragraphs joined (cut by the page layout): check each join",
            [p.format() for p in by_code.pop("import-joined", [])])
    if sp is not None:
        tn = []
        for lang, s in sp.streams.items():
            for nid in s.translator_notes:
                note = s.notes.get(nid)
                tn.append(f"{lang} [^{s.labels[nid]}]: {note.text if note else ''}")
        section("Notes in one language only (translator's notes, labelled tn-N)", tn)
        orphans = [f"{lang} ({s.path}, {'page' if s.path.lower().endswith('.pdf') else 'paragraph'} {p.where}): {p.text}"
                   for lang, s in sp.streams.items() for p in s.orphans]
        section("Captions without a figure or table (kept as paragraphs)", orphans)
        header = [f"{lang}: {p.text}" for lang, s in sp.streams.items() for p in s.header]
        section("Lines before the text (bylines, subtitles): not in the body; move them into the front matter",
                header)
    section("Check (cityvoices check) findings", check_lines)
    if rep.outdated_reason:
        section("Translation state", [rep.outdated_reason])
    rest = [p.format() for code, ps in by_code.items() for p in ps if code != "import-check"]
    section("Everything else the importer or the normalizer reported", rest)
    return "\n".join(lines).rstrip() + "\n"
