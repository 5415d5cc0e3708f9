"""The thin I/O shell around :mod:`cityvoices.pdf.assemble`: read sources,
render Markdown with the site's configuration, plan the PDFs, render them with
WeasyPrint in parallel, cache them by content hash, write them atomically.

One entry point, :func:`build_pdfs`, is shared by ``cityvoices pdf`` and by the
site build (``cityvoices.integrations.pdf``).

Containment: WeasyPrint fetches every image, stylesheet and attachment
through :class:`ContainedFetcher`, which serves only files inside the
folders of the publications in that PDF (within docs_dir) and this package's
own print assets, and refuses everything else (other files, ``file:`` URLs
named by hand, ``../`` out of the docs, http(s): no network) with a
``path:line: error: … [pdf-url-refused]`` naming the Markdown file; such a
PDF is not written.  Output names are checked for collisions before any PDF
is written.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import logging
import multiprocessing
import os
import posixpath
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from cityvoices import __version__, align, catalog as _catalog, i18n, render, shards, sidebyside, textio, urls
from cityvoices.pdf import assemble
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Problem
from cityvoices.settings import SiteSettings

PACKAGE_DIR = Path(__file__).resolve().parent
CSS_FILES = ("print.css",)
#: Fonts the print CSS names; without them Korean falls back to another face.
REQUIRED_FONTS = ("Noto Serif CJK KR", "Noto Sans CJK KR")
#: Bump when the output changes in a way the hashed inputs cannot see.
FORMAT = "2"
#: Jobs per worker process before it is replaced (see build_pdfs).
BATCH = 40
#: The libraries whose versions are part of every edition's cache key.
KEY_LIBRARIES = ("markdown", "pymdown-extensions", "weasyprint", "lxml")


def css_text() -> str:
    return "\n".join((PACKAGE_DIR / name).read_text(encoding="utf-8") for name in CSS_FILES)


def library_versions(names: Iterable[str] = KEY_LIBRARIES) -> str:
    """``name=version`` of each library (installed metadata; nothing is imported)."""
    from importlib import metadata

    out = []
    for name in names:
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=-")
    return ",".join(out)


def files_fingerprint(paths: Iterable[Path], seed: str) -> str:
    """Hash of ``seed`` and the names and contents of ``paths`` (never
    where they are: the same checkout anywhere gives the same hash)."""
    h = hashlib.sha256(seed.encode())
    for path in paths:
        if path.is_file():
            h.update(path.name.encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


#: Modules of ``cityvoices`` that never shape an edition (the CLI, the
#: generators of test archives, the site build's merge): left out of the
#: code fingerprint, so that changing them does not render every PDF again.
NOT_IN_EDITIONS = frozenset({"__init__", "__main__", "cli", "archive", "synth", "scaffold", "placeholder",
                             "offline", "buildpar", "langsplit", "shards"})


def package_modules() -> list[Path]:
    """The top-level modules of ``cityvoices`` an edition may depend on."""
    return [p for p in sorted(PACKAGE_DIR.parent.glob("*.py")) if p.stem not in NOT_IN_EDITIONS]


def code_fingerprint() -> str:
    """Hash of the code that shapes a PDF: this package (code and print
    CSS), the modules of ``cityvoices`` it reads (normalize, render, syntax,
    catalog …: :func:`package_modules`), and the versions of the libraries
    in :data:`KEY_LIBRARIES`."""
    return files_fingerprint(sorted(PACKAGE_DIR.glob("*.py")) + sorted(PACKAGE_DIR.glob("*.css"))
                             + package_modules(), f"pdf/{__version__}/{FORMAT}/{library_versions()}")


def _describe(obj: Any) -> str:
    """A configuration value that JSON cannot hold, by what it is (a
    function by its qualified name, a partial with its arguments), never by
    its address."""
    import functools

    if isinstance(obj, functools.partial):
        return f"partial({_describe(obj.func)}, {obj.args!r}, {sorted(obj.keywords.items())!r})"
    qual = getattr(obj, "__qualname__", None)
    if qual:
        return f"{getattr(obj, '__module__', '')}.{qual}"
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def settings_fingerprint(settings: SiteSettings) -> str:
    """The site settings an edition depends on: the Markdown extensions and
    their options (objects by what they are, :func:`_describe`), and the
    site URL.  No path: docs_dir and the site folder are not in it."""
    data = {"extensions": [e if isinstance(e, str) else _describe(e) for e in settings.extensions],
            "configs": settings.configs, "site_url": settings.site_url}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=_describe).encode()).hexdigest()


def folder_digest(folder: str, memo: dict[str, str]) -> str:
    """Hash of every file an edition may read from a publication folder
    (all but Markdown sources, which are hashed as text): names relative to
    the folder and contents.  A symlink that leaves the folder is hashed by
    what it says (it is never read: the edition refuses it)."""
    if folder in memo:
        return memo[folder]
    h = hashlib.sha256()
    real = os.path.realpath(folder)
    for dirpath, dirs, names in os.walk(folder):
        dirs.sort()
        rel_dir = os.path.relpath(dirpath, folder)
        for fname in sorted(names):
            if fname.endswith(".md"):
                continue
            path = os.path.join(dirpath, fname)
            rel = fname if rel_dir == "." else f"{rel_dir}/{fname}"
            if os.path.islink(path) and not _within(os.path.realpath(path), real):
                h.update(f"{rel}\0link\0{os.readlink(path)}\0".encode())
                continue
            try:
                with open(path, "rb") as fh:
                    h.update(f"{rel}\0".encode() + hashlib.sha256(fh.read()).digest())
            except OSError as exc:
                h.update(f"{rel}\0unreadable {exc.errno}\0".encode())
    memo[folder] = h.hexdigest()
    return memo[folder]


def edition_key(base: str, name: str, kind: str, extra: Iterable[str], parts: Iterable[str]) -> str:
    """One edition's cache key (PDF or EPUB): the code and settings
    (``base``), its name and kind, what the catalogue gives it (``extra``:
    issue, title, date, URL) and the key of each of its articles in order."""
    h = hashlib.sha256("\0".join([base, name, kind, *extra]).encode())
    for part in parts:
        h.update(part.encode())
    return h.hexdigest()


# --------------------------------------------------------------------------
# Markdown (with the site's configuration: SiteSettings, from the engine layer)

def render_markdown(text: str, settings: SiteSettings, path: str = "<text>", lang: str | None = None) -> str:
    """The body as the site renders it: normalized first when it is not in
    house layout (as the build does), then the site's Markdown configuration."""
    import markdown

    from cityvoices.normalize import body_for_render

    body = body_for_render(text, path, lang)
    md = markdown.Markdown(extensions=settings.extensions, extension_configs=settings.configs)
    return md.convert(body)


def parallel_rows(pub: _catalog.Publication, texts: dict[str, str], settings: SiteSettings) -> list[assemble.PrintRow]:
    """The rows of the parallel edition: both texts as the site renders them
    (normalized first when not in house layout), aligned
    (:mod:`cityvoices.align`), each language rendered in one pass and
    prepared for print, then cut along the rows (:mod:`cityvoices.sidebyside`)."""
    import markdown

    from cityvoices.normalize import normalize_text

    vers = {lang: pub.versions[lang] for lang in i18n.LANGS}
    site_texts = {lang: normalize_text(texts[v.src_uri], v.src_uri, lang).text for lang, v in vers.items()}
    al = align.align(site_texts["ko"], site_texts["en"], ko_path=vers["ko"].src_uri, en_path=vers["en"].src_uri)
    md = markdown.Markdown(extensions=settings.extensions, extension_configs=settings.configs)

    def convert(text: str) -> str:
        md.reset()
        return md.convert(text)

    def prepare(lang: str) -> Callable[[str], str]:
        return lambda html: assemble.prepare_body(html, src_uri=vers[lang].src_uri, docs_dir=str(settings.docs_dir),
                                                  prefix=lang, site_url=settings.site_url)

    sides = {lang: sidebyside.render_side(al, lang, convert, prepare(lang)) for lang in i18n.LANGS}
    return assemble.print_rows(al, sides)


# --------------------------------------------------------------------------
# Planning

@dataclass
class Job:
    """One PDF.  ``digest`` (its cache key) and ``cost`` are known from the
    plan alone; ``html`` and ``problems`` once :meth:`materialize` has
    rendered its Markdown (a plan made with ``lazy=True`` renders only the
    PDFs it has to make)."""

    name: str
    kind: str  # ko | en | bilingual | issue
    html: str
    digest: str
    sources: list[str]
    problems: list[Problem] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)  # what its PDF may read (publication folders)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (source path, Markdown), to name lines
    cost: int = 0  # estimated rendering cost (shards.partition): Markdown characters, and a cover
    render: Callable[[], tuple[str, list[Problem]]] | None = field(default=None, repr=False, compare=False)

    @property
    def where(self) -> str:
        return ", ".join(self.sources)

    def materialize(self) -> "Job":
        """Render the Markdown into the print HTML (and find its problems), once."""
        if self.render is not None:
            self.html, self.problems = self.render()
            self.render = None
        return self

    def locate_url(self, url: str) -> tuple[str, int]:
        """The source (and line) that mentions ``url``, as written or by its
        path or file name; else all of the PDF's sources."""
        from urllib.parse import unquote, urlsplit

        path = unquote(urlsplit(url).path)
        for needle in dict.fromkeys([url, unquote(url), path, posixpath.basename(path)]):
            if not needle:
                continue
            for source, text in self.texts:
                line = _line_of(text, needle)
                if line:
                    return source, line
        return self.where, 0


def _within(path: Path | str, folder: Path | str) -> bool:
    path, folder = str(path), str(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _line_of(text: str, needle: str) -> int:
    idx = text.find(needle)
    return text.count("\n", 0, idx) + 1 if idx >= 0 else 0


def _file_digest(path: Path, memo: dict[Path, str]) -> str:
    if path not in memo:
        memo[path] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
    return memo[path]


def render_part(cat: _catalog.Catalog, pub: _catalog.Publication, lang: str, text: str, settings: SiteSettings,
                memo: dict[Path, str], *, edition: str = "PDF",
                issue_title: str | None = None) -> tuple[str, str, list[Problem], str]:
    """One article in one language as the site renders it, for an edition:
    ``(body, header, problems, digest)``.  ``problems`` are its images that
    are missing or outside the publication's folder (codes
    ``<edition>-image-missing``/``<edition>-url-refused``); ``digest`` hashes
    the Markdown and those images.  ``header`` is the ``<h1>`` and byline when
    the body has no ``<h1>`` of its own (``issue_title``: the issue's title
    when the caller has it already; else the catalogue is asked, which walks
    every issue).  Shared by the PDF and EPUB runners."""
    ver = pub.versions[lang]
    code = edition.lower()
    body = render.finish_html(render_markdown(text, settings, ver.src_uri, lang), lang)
    probs = []
    h = hashlib.sha256(text.encode())
    folder = (settings.docs_dir / Path(ver.src_uri).parent).resolve()
    for src in assemble.image_sources(body):
        path = (settings.docs_dir / Path(ver.src_uri).parent / src).resolve()
        h.update(_file_digest(path, memo).encode())
        if not _within(path, folder):
            probs.append(Problem(settings.source_path(ver.src_uri), _line_of(text, src), f"{code}-url-refused",
                                 f"image {src!r} is outside the publication's folder; only its own "
                                 f"files go into a{'n' if edition[0] in 'AEIOU' else ''} {edition}", "error"))
        elif not path.is_file():
            probs.append(Problem(settings.source_path(ver.src_uri), _line_of(text, src),
                                 f"{code}-image-missing", f"image {src!r} not found (looked for "
                                 f"{textio.display_path(path)})", "error"))
    if issue_title is None:
        issue_title = cat.issue_title(pub.issue or "", lang)
    header = render.page_header(ver.meta, lang, issue_title=issue_title, standfirst=True) \
        if "<h1" not in body else ""
    return body, header, probs, h.hexdigest()


@dataclass
class IssueEdition:
    """One CityVoices issue in one language, as its PDF and EPUB hold it."""

    issue: str
    lang: str
    keys: list[tuple[_catalog.Publication, str]]  # (article, language used), in print order
    title: str  # the issue's display title (catalog.issue_title)
    date_text: str  # the month of its newest article
    online_url: str


def issue_editions(cat: _catalog.Catalog, settings: SiteSettings, *,
                   only: Callable[[str], bool] | None = None) -> list[IssueEdition]:
    """Every issue in every language: its articles in the issue's contents
    order (as on the site: ``order:``, then date); an article missing in a
    language is taken in its own language."""
    out = []
    for issue, members in cat.issues():
        if issue == "?":
            continue
        if only and not any(only(v.src_uri) for p in members for v in p.versions.values()):
            continue
        members = sorted(members, key=_catalog.contents_key)
        newest = max(p.date for p in members)
        page = cat.issue_pages().get(issue)
        for lang in i18n.LANGS:
            keys = [(pub, lang if lang in pub.versions else pub.primary.lang) for pub in members]
            out.append(IssueEdition(
                issue, lang, keys, _catalog.issue_title(members, lang, page),
                i18n.format_month(newest, lang) if newest.year > 1 else "",
                urls.absolute_url(settings.site_url, urls.issue_url(members[0].section, issue, lang))))
    return out


def online_url(settings: SiteSettings, pub: _catalog.Publication, lang: str) -> str:
    return settings.site_url.rstrip("/") + "/" + pub.url(lang) if settings.site_url else ""


#: The estimated cost of a PDF beyond its Markdown (cover, contents, fonts),
#: in Markdown characters (measured: ``cityvoices bench pdf --shards``).
JOB_COST = 4_000
PART_COST = 1_000


def plan(sources: list[tuple[str, str]], settings: SiteSettings, *,
         only: Callable[[str], bool] | None = None, lazy: bool = False) -> tuple[list[Job], list[Problem]]:
    """All PDFs of the site as jobs (pure but for reading the publication
    folders to hash them).

    A job's key hashes the code and settings (:func:`code_fingerprint`,
    :func:`settings_fingerprint`, the print CSS), its name and kind, the
    Markdown of its articles, every file of their publication folders and
    the catalogue's values that reach it (issue title, dates, online URLs):
    the same inputs give the same key on any machine, in any folder.  So the
    plan renders no Markdown: ``lazy=True`` leaves that to
    :meth:`Job.materialize`, for the PDFs that are not in the cache.

    ``only(src_uri)`` limits the plan to matching publications (issues whose
    articles match)."""
    cat = _catalog.build_catalog(sources, validate=False)
    texts = dict(sources)
    titles: dict[tuple[str, str], str | None] = {}

    def issue_titles(issue: str, lang: str) -> str | None:
        if (issue, lang) not in titles:
            titles[(issue, lang)] = cat.issue_title(issue, lang)
        return titles[(issue, lang)]

    css = css_text()
    base = hashlib.sha256(f"{code_fingerprint()}/{settings_fingerprint(settings)}/".encode()
                          + css.encode()).hexdigest()
    memo: dict[Path, str] = {}
    folder_memo: dict[str, str] = {}
    problems: list[Problem] = list(p for p in cat.problems if p.severity == "error")
    parts: dict[tuple[str, str], assemble.Part] = {}
    part_problems: dict[tuple[str, str], list[Problem]] = {}
    part_key: dict[tuple[str, str], str] = {}

    def issue_title(pub: _catalog.Publication, lang: str) -> str | None:
        return issue_titles(pub.issue or "", lang)

    def get_part(pub: _catalog.Publication, lang: str) -> assemble.Part:
        key = (pub.key, lang)
        if key not in parts:
            ver = pub.versions[lang]
            body, header, probs, _digest = render_part(cat, pub, lang, texts[ver.src_uri], settings, memo,
                                                       issue_title=issue_title(pub, lang))
            prepared = assemble.prepare_body(body, src_uri=ver.src_uri, docs_dir=str(settings.docs_dir),
                                             prefix="b", site_url=settings.site_url)
            parts[key] = assemble.Part(pub.key, lang, ver.src_uri, ver.meta, header, prepared)
            part_problems[key] = probs
        return parts[key]

    def static(pub: _catalog.Publication, lang: str) -> str:
        # what one article brings to a PDF's key (no rendering needed)
        if (pub.key, lang) not in part_key:
            ver = pub.versions[lang]
            fields = [ver.src_uri, lang, texts[ver.src_uri], issue_title(pub, lang) or "",
                      online_url(settings, pub, lang),
                      folder_digest(str(settings.docs_dir / posixpath.dirname(ver.src_uri)), folder_memo)]
            part_key[(pub.key, lang)] = hashlib.sha256("\0".join(fields).encode()).hexdigest()
        return part_key[(pub.key, lang)]

    online = lambda pub, lang: online_url(settings, pub, lang)  # noqa: E731

    def make_job(name: str, kind: str, doc_of: Callable[[], assemble.Document],
                 keys: list[tuple[_catalog.Publication, str]], extra: list[str]) -> Job:
        vers = [pub.versions[lang] for pub, lang in keys]

        def render() -> tuple[str, list[Problem]]:
            html = assemble.document_html(doc_of(), css)
            return html, [p for pub, lang in keys for p in part_problems[(pub.key, lang)]]

        srcs = [settings.source_path(v.src_uri) for v in vers]
        folders = sorted({str((settings.docs_dir / Path(v.src_uri).parent).resolve()) for v in vers})
        texts_ = [(settings.source_path(v.src_uri), texts[v.src_uri]) for v in vers]
        cost = JOB_COST + sum(PART_COST + len(texts[v.src_uri]) for v in vers)
        digest = edition_key(base, name, kind, extra, [static(pub, lang) for pub, lang in keys])
        return Job(name, kind, "", digest, srcs, [], folders, texts_, cost=cost, render=render)

    jobs: list[Job] = []
    pubs = cat.all()
    for pub in pubs:
        if only and not any(only(v.src_uri) for v in pub.versions.values()):
            continue
        langs = [lang for lang in i18n.LANGS if lang in pub.versions]
        for lang in langs:
            jobs.append(make_job(assemble.pdf_name(pub.key, lang), lang,
                                 lambda pub=pub, lang=lang: assemble.single_document(
                                     get_part(pub, lang), online_url=online(pub, lang)),
                                 [(pub, lang)], [online(pub, lang)]))
        if len(langs) > 1:
            jobs.append(make_job(assemble.pdf_name(pub.key, "bilingual"), "bilingual",
                                 lambda pub=pub, langs=langs: assemble.parallel_document(
                                     [get_part(pub, lang) for lang in langs],
                                     parallel_rows(pub, texts, settings),
                                     online_url=online(pub, i18n.DEFAULT_LANG)),
                                 [(pub, lang) for lang in langs], [online(pub, i18n.DEFAULT_LANG)]))
    for ed in issue_editions(cat, settings, only=only):
        jobs.append(make_job(assemble.issue_pdf_name(ed.issue, ed.lang), "issue",
                             lambda ed=ed: assemble.issue_document(
                                 ed.issue, ed.lang, [get_part(pub, use) for pub, use in ed.keys],
                                 issue_title=ed.title, date_text=ed.date_text, online_url=ed.online_url),
                             ed.keys, [ed.issue, ed.lang, ed.title or "", ed.date_text, ed.online_url]))
    if not lazy:
        for job in jobs:
            job.materialize()
    return jobs, problems


# --------------------------------------------------------------------------
# Rendering (runs in worker processes)

class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class ContainedFetcher(URLFetcher):
        """WeasyPrint's fetcher, limited to ``allowed`` folders (and ``data:``).

        Everything else raises (WeasyPrint then leaves the resource out) and
        is recorded in ``refused``; the runner turns that into an error."""

        def __init__(self, allowed: list[str]):
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
            self.allowed = [os.path.realpath(a) for a in allowed]
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            from urllib.parse import unquote, urlsplit

            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                real = os.path.realpath(unquote(parts.path))
                if any(_within(real, folder) for folder in self.allowed):
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"refused by CityVoices (outside the publication's folder): {url}")

    return ContainedFetcher


def render_pdf(html: str, allowed: Iterable[str] = ()) -> tuple[bytes, int, list[tuple[str, str]], list[str]]:
    """HTML -> (PDF bytes, pages, [(level, WeasyPrint message)], refused URLs).

    Only files in ``allowed`` folders and this package's print assets may be read."""
    import weasyprint

    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    fetcher = _fetcher_class()([str(PACKAGE_DIR), *allowed])
    pushed: list[str] = []
    try:
        for _pass in range(NOTE_PASSES + 1):
            doc = weasyprint.HTML(string=assemble.break_before_rows(html, pushed) if pushed else html,
                                  base_url=str(PACKAGE_DIR) + "/", url_fetcher=fetcher).render()
            strays = stray_notes(doc)
            more = [block for _n, _call, _body, block in strays if block and block not in pushed]
            if not more or _pass == NOTE_PASSES:
                break
            pushed += dict.fromkeys(more)
        data = doc.write_pdf()
    finally:
        logger.removeHandler(handler)
    messages = [(r.levelname.lower(), r.getMessage()) for r in handler.records]
    messages += [("warning", f"footnote {n} is called on page {call} but sits on page {body}")
                 for n, call, body, _block in strays]
    return data, len(doc.pages), messages, list(dict.fromkeys(fetcher.refused))


#: Renderings a PDF may take to bring every note onto the page of its call.
NOTE_PASSES = 3


def stray_notes(document: Any) -> list[tuple[str, int, int, str | None]]:
    """Notes of a rendered WeasyPrint document whose body is not on the page
    of their call: ``(number, call page, body page, block)``, where ``block``
    is the ``data-rows`` of the block (a parallel row or figure) to start on
    a new page so that it cannot push the note off: the last block that
    starts on the call's page, with the heading rows kept with it (None when
    that block is at the top of the page).

    Why: WeasyPrint 70 moves a note to the next page, keeping its call, when
    the note does not fit under its line (``footnote-policy: auto``), and
    also when a later paragraph's second line (``orphans: 2``) needs the room:
    it then reports the page's last note, wherever its call is.  In the
    parallel edition that is the English note of an earlier row.  Without
    that block the page ends where orphans control would end it anyway."""
    from weasyprint.formatting_structure import boxes

    calls: dict[int, tuple[str, int]] = {}
    bodies: dict[int, int] = {}
    starts: dict[int, list[tuple[str, bool, bool]]] = {}  # page -> blocks starting there
    seen: set[str] = set()
    for n, page in enumerate(document.pages, 1):
        top = page._page_box.content_box_y() + 1
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if getattr(box, "footnote", None) is not None:
                calls.setdefault(id(box.footnote.element), (box.element.get("data-n") or "?", n))
            elif isinstance(box, boxes.FootnoteAreaBox):
                for note in box.children:
                    bodies.setdefault(id(note.element), n)
            elif element is not None and isinstance(box, (boxes.TableRowBox, boxes.BlockBox)) \
                    and element.get("data-rows") and box.element_tag in ("tr", "figure"):
                key = element.get("data-rows")
                if key not in seen:
                    seen.add(key)
                    starts.setdefault(n, []).append((key, "cv-prow-heading" in (element.get("class") or ""),
                                                     box.position_y > top))
    out = []
    for element, (number, call) in calls.items():
        body = bodies.get(element)
        if body is None or body == call:
            continue
        page = starts.get(call, [])
        i = len(page) - 1
        while i > 0 and page[i - 1][1]:  # a heading goes with what follows it
            i -= 1
        # (a block at the top of the page cannot be moved to a new one)
        out.append((number, call, body, page[i][0] if page and page[i][2] else None))
    return out


def _work(job: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        data, pages, messages, refused = render_pdf(job["html"], job["allowed"])
    except Exception as exc:  # WeasyPrint failures become a report, not a crash
        return {"name": job["name"], "error": f"{type(exc).__name__}: {exc}", "seconds": time.perf_counter() - started}
    if refused:  # never written: the PDF would lack what the page shows
        return {"name": job["name"], "refused": refused, "seconds": time.perf_counter() - started}
    tmp = Path(job["cache"])
    textio.atomic_write(tmp, data)
    return {"name": job["name"], "pages": pages, "messages": messages, "seconds": time.perf_counter() - started,
            "peak_rss": peak_rss()}


def peak_rss() -> int:
    """High-water RSS of this process (Linux VmHWM; 0 elsewhere).  Unlike
    ``ru_maxrss`` it is not inherited from the parent across fork/exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


# --------------------------------------------------------------------------
# Fonts

def missing_fonts(families: Iterable[str] = REQUIRED_FONTS) -> list[str]:
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        return list(families)
    installed = {name.strip().lower() for line in out.splitlines() for name in line.split(",")}
    return [f for f in families if f.lower() not in installed]


# --------------------------------------------------------------------------
# The build

@dataclass
class Result:
    made: list[str] = field(default_factory=list)  # rendered now
    cached: list[str] = field(default_factory=list)  # taken from the cache
    failed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss: int = 0  # largest high-water RSS of a rendering process
    digests: dict[str, str] = field(default_factory=dict)  # cache key of each file written into the folder

    @property
    def exit_code(self) -> int:
        if self.failed or any(p.severity == "error" for p in self.problems):
            return EXIT_ERROR
        return EXIT_FINDINGS if self.problems else EXIT_CLEAN


def _import_weasyprint() -> None:
    import weasyprint  # noqa: F401 - imported once here, inherited by the forked workers


def _die_with_parent(parent: int) -> None:
    """A pool worker's first step (Linux): end when the thread that started
    it does, so a killed ``cityvoices serve`` or ``build`` leaves no worker
    waiting for work that never comes."""
    import signal

    from cityvoices.buildpar import die_with_parent

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the handler of the process it was forked from
    die_with_parent(signal.SIGKILL)  # KILL: a Python handler would leave the worker waiting
    if os.getppid() != parent:  # the parent was already gone
        os._exit(1)


def run_pool(work: Callable[[dict[str, Any]], dict[str, Any]], payloads: list[dict[str, Any]], *,
             workers: int | None = None, progress: bool = False, desc: str = "", unit: str = "file",
             count: Callable[[dict[str, Any]], int] = lambda result: 1,
             before_fork: Callable[[], None] | None = None) -> list[dict[str, Any]]:
    """``[work(p) for p in payloads]`` in worker processes (forked, so they
    inherit what the caller prepared), in the order they finish, with a
    progress bar (``count(result)`` steps per result).  One payload runs in
    this process.  Shared by the PDF and EPUB runners."""
    nworkers = max(1, min(workers or (os.cpu_count() or 1), len(payloads) or 1))
    results: list[dict[str, Any]] = []
    bar = None
    if payloads and progress:
        from tqdm import tqdm
        bar = tqdm(total=sum(p.get("steps", 1) for p in payloads), file=sys.stderr, unit=unit, desc=desc,
                   leave=False)
    if len(payloads) <= 1:  # one job: no process to start
        for payload in payloads:
            results.append(work(payload))
            if bar:
                bar.update(count(results[-1]))
    else:
        if before_fork:
            before_fork()
        ctx = multiprocessing.get_context("fork")
        # Worker processes even for one job stream: the caller's memory stays
        # small, and a fresh pool every BATCH jobs per worker bounds each
        # worker's (WeasyPrint's caches grow with every document it lays out).
        step = BATCH * nworkers
        for start in range(0, len(payloads), step):
            with cf.ProcessPoolExecutor(max_workers=nworkers, mp_context=ctx,
                                        initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
                futures = [pool.submit(work, p) for p in payloads[start:start + step]]
                for fut in cf.as_completed(futures):
                    results.append(fut.result())
                    if bar:
                        bar.update(count(results[-1]))
    if bar:
        bar.close()
    return results


def _classify(message: str) -> tuple[str, str]:
    low = message.lower()
    if "failed to load image" in low or "failed to load" in low:
        return "error", "pdf-resource"
    if "ignored" in low or "unsupported" in low or "unknown property" in low or "invalid" in low:
        return "warning", "pdf-css"
    if low.startswith("footnote ") and " sits on page " in low:
        return "warning", "pdf-footnote-page"
    return "warning", "pdf-weasyprint"


def manifest_path(cache_dir: Path) -> Path:
    return cache_dir / "manifest.json"


def read_manifest(cache_dir: Path) -> dict[str, dict[str, Any]]:
    try:
        return json.loads(manifest_path(cache_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def install(src: Path, dest: Path) -> None:
    """Copy a cached file to ``dest`` atomically (untouched when it is the same already)."""
    data = src.read_bytes()
    if dest.is_file() and dest.stat().st_size == len(data) and dest.read_bytes() == data:
        return
    textio.atomic_write(dest, data)


def build_pdfs(sources: list[tuple[str, str]], settings: SiteSettings, out_dir: str | os.PathLike, *,
               cache_dir: str | os.PathLike | None = None, workers: int | None = None,
               progress: bool | None = None, only: Callable[[str], bool] | None = None,
               fonts: Iterable[str] = REQUIRED_FONTS, log: Callable[[str], None] | None = None,
               shard: tuple[int, int] | None = None) -> Result:
    """Plan, render what changed, install every PDF into ``out_dir``.

    A PDF that fails keeps its earlier good version (in ``out_dir``, or the
    last good one from the cache); other PDFs are still made.  ``shard``
    ``(K, N)``: only the K-th of N parts of the jobs (:mod:`cityvoices.shards`),
    and a shard manifest in ``out_dir`` (:func:`write_shard_manifest`)."""
    out = Path(out_dir)
    cache = Path(cache_dir) if cache_dir else settings.root / ".cache" / "pdf"
    cache.mkdir(parents=True, exist_ok=True)
    result = Result()
    jobs, problems = plan(sources, settings, only=only, lazy=True)
    result.problems.extend(problems)
    collisions = name_collisions(jobs)
    if collisions:  # before any PDF is written: one name, two publications
        result.problems.extend(collisions)
        result.failed.extend(sorted({j.name for j in jobs}))
        return result
    planned = jobs
    if shard is not None:
        jobs = shard_jobs(jobs, *shard)
    lacking = missing_fonts(fonts)
    manifest = read_manifest(cache)
    todo: list[Job] = []
    for job in jobs:
        cached = cache / f"{job.digest}.pdf"
        if not lacking and cached.is_file():  # a cached PDF had no problem: its inputs are the same
            install(cached, out / job.name)
            result.cached.append(job.name)
            result.pages[job.name] = int(manifest.get(job.name, {}).get("pages", 0))
            result.digests[job.name] = job.digest
            continue
        job.materialize()
        blocking = [p for p in job.problems if p.severity == "error"]
        result.problems.extend(job.problems)
        if lacking:
            for src in job.sources:
                result.problems.append(Problem(src, 0, "pdf-font-missing",
                                               f"{job.name}: font {', '.join(map(repr, lacking))} is not installed "
                                               "(Debian: apt-get install fonts-noto-cjk); Korean would be set in a "
                                               "fallback face", "error"))
            blocking.append(result.problems[-1])
        if blocking:
            result.failed.append(job.name)
            continue
        todo.append(job)
    show = progress if progress is not None else sys.stderr.isatty()
    # longest first (issues, bilingual editions), so no worker is left with a
    # long job at the end while the others idle
    todo.sort(key=lambda j: len(j.html), reverse=True)
    payloads = [{"name": j.name, "html": j.html, "cache": str(cache / f"{j.digest}.pdf"), "allowed": j.folders}
                for j in todo]
    by_name = {j.name: j for j in todo}
    results = run_pool(_work, payloads, workers=workers, progress=show, desc="PDF", unit="pdf",
                       before_fork=_import_weasyprint)
    for res in sorted(results, key=lambda r: r["name"]):
        job = by_name[res["name"]]
        result.seconds[job.name] = res["seconds"]
        result.peak_rss = max(result.peak_rss, res.get("peak_rss", 0))
        if "error" in res:
            result.failed.append(job.name)
            result.problems.append(Problem(job.where, 0, "pdf-failed",
                                           f"{job.name}: WeasyPrint failed: {res['error']}", "error"))
            continue
        if "refused" in res:
            result.failed.append(job.name)
            for url in res["refused"]:
                where, line = job.locate_url(url)
                result.problems.append(Problem(where, line, "pdf-url-refused",
                                               f"{job.name}: {url} is outside the publication's folder (or "
                                               "not a local file); the PDF was not made", "error"))
            continue
        bad = False
        for level, message in res["messages"]:
            severity, code = _classify(message)
            bad = bad or severity == "error"
            # WeasyPrint does not say which article of a combined PDF a
            # message comes from: name all of its files
            result.problems.append(Problem(job.where, 0, code, f"{job.name}: {message}", severity))
        if bad:
            result.failed.append(job.name)
            (cache / f"{job.digest}.pdf").unlink(missing_ok=True)
            continue
        install(cache / f"{job.digest}.pdf", out / job.name)
        manifest[job.name] = {"digest": job.digest, "pages": res["pages"]}
        result.made.append(job.name)
        result.pages[job.name] = res["pages"]
        result.digests[job.name] = job.digest
    for name in result.failed:
        dest = out / name
        good = manifest.get(name, {}).get("digest")
        if not dest.exists() and good and (cache / f"{good}.pdf").is_file():
            install(cache / f"{good}.pdf", dest)
            result.digests[name] = good
            result.problems.append(Problem(name, 0, "pdf-kept", f"{name}: kept the PDF of an earlier run", "warning"))
    for job in jobs:
        if job.name in result.cached and job.name not in manifest:
            manifest[job.name] = {"digest": job.digest, "pages": 0}
    textio.atomic_write(manifest_path(cache), json.dumps(manifest, indent=1, sort_keys=True).encode())
    if only is None:
        prune(cache, {j.digest for j in planned} | {m.get("digest") for m in manifest.values()}, ".pdf")
    if shard is not None:
        write_shard_manifest(out, "pdf", shard, plan_key(planned), result,
                             {n: {"pages": result.pages.get(n, 0)} for n in result.digests})
    return result


# --------------------------------------------------------------------------
# Shards: one machine's part of the editions, and putting the parts together

#: A shard's manifest, in the folder it wrote (``cityvoices pdf --shard K/N -o FOLDER``).
SHARD_MANIFEST = ".cityvoices-shard.json"
SHARD_FORMAT = 1


def shard_jobs(jobs: list[Any], k: int, n: int) -> list[Any]:
    """The jobs of part ``k`` of ``n`` (:func:`cityvoices.shards.partition`
    over names and estimated costs), in plan order."""
    part = shards.part_of({j.name: j.cost for j in jobs}, k, n)
    return [j for j in jobs if j.name in part]


def plan_key(jobs: Iterable[Any]) -> str:
    """One hash of a whole plan (every job's name and key): shards made
    from the same sources, code and settings carry the same one."""
    h = hashlib.sha256()
    for name, digest in sorted((j.name, j.digest) for j in jobs):
        h.update(f"{name}\0{digest}\n".encode())
    return h.hexdigest()


def current_plan_key(sources: list[tuple[str, str]], settings: SiteSettings, *,
                     only: Callable[[str], bool] | None = None) -> str:
    """:func:`plan_key` of this checkout's PDFs (no Markdown is rendered)."""
    return plan_key(plan(sources, settings, only=only, lazy=True)[0])


def problem_fields(p: Problem) -> list[Any]:
    return [p.path, p.line, p.code, p.message, p.severity]


def write_shard_manifest(out: Path, edition: str, shard: tuple[int, int], plan: str, result: Result,
                         extra: dict[str, dict[str, Any]]) -> None:
    """What shard ``(K, N)`` wrote into ``out``: every file with its cache
    key and the hash of its bytes (``extra``: pages, warnings), what failed,
    and its problems; :func:`merge_shards` reads it."""
    files = {}
    for name, digest in sorted(result.digests.items()):
        data = (out / name).read_bytes()
        files[name] = {"digest": digest, "sha256": hashlib.sha256(data).hexdigest(), **extra.get(name, {})}
    doc = {"format": SHARD_FORMAT, "edition": edition, "shard": shard[0], "shards": shard[1], "plan": plan,
           "files": files, "failed": sorted(set(result.failed)),
           "problems": [problem_fields(p) for p in dict.fromkeys(result.problems)]}
    out.mkdir(parents=True, exist_ok=True)
    textio.atomic_write(out / SHARD_MANIFEST, json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False)
                        .encode("utf-8"))


def _read_shard(folder: Path, edition: str, suffix: str) -> tuple[dict[str, Any] | None, str | None]:
    """A shard folder's manifest, or why it cannot be merged."""
    path = folder / SHARD_MANIFEST
    if not path.is_file():
        return None, (f"not a shard folder: it has no {SHARD_MANIFEST} (made by `cityvoices {edition} "
                      f"--shard K/N -o FOLDER`)")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, ValueError) as exc:
        return None, f"its {SHARD_MANIFEST} cannot be read ({exc})"
    ok = (isinstance(doc, dict) and doc.get("format") == SHARD_FORMAT and isinstance(doc.get("shard"), int)
          and isinstance(doc.get("shards"), int) and 1 <= doc["shard"] <= doc["shards"]
          and isinstance(doc.get("plan"), str) and isinstance(doc.get("files"), dict)
          and isinstance(doc.get("failed"), list) and isinstance(doc.get("problems"), list))
    if not ok:
        return None, f"its {SHARD_MANIFEST} is not one this version of cityvoices wrote"
    if doc.get("edition") != edition:
        return None, f"it holds a shard of the {doc.get('edition')!r} editions, not of the {edition!r} ones"
    for name, entry in doc["files"].items():
        if (not isinstance(name, str) or not name.endswith(suffix) or "/" in name or "\\" in name
                or name.startswith(".") or not isinstance(entry, dict) or not isinstance(entry.get("digest"), str)
                or not isinstance(entry.get("sha256"), str)):
            return None, f"its {SHARD_MANIFEST} lists {name!r}, which is not a {suffix} file it could have written"
    return doc, None


def merge_shards(folders: list[Path], out: Path | None, cache: Path, *, edition: str, suffix: str,
                 expect_plan: str | None = None) -> Result:
    """Put the outputs of shards 1..N together in the cache (so that the
    next site build takes every file from there and renders none of them)
    and, when ``out`` is given, in that folder.  Refused, with nothing
    written, when a folder is not a shard, the shards come from different
    plans or from another plan than ``expect_plan`` (this checkout's), a
    shard is missing or given twice, two shards hold the same file, or a
    file is missing or changed since its shard wrote it.  ``Result.made``:
    the files merged; ``failed`` and ``problems``: the shards' own (their
    messages once more, in one place)."""
    code = f"{edition}-merge"
    result = Result()
    errors: list[Problem] = []
    docs: list[tuple[Path, dict[str, Any]]] = []
    for folder in folders:
        doc, why = _read_shard(folder, edition, suffix)
        if why:
            errors.append(Problem(textio.display_path(folder), 0, code, why, "error"))
        else:
            docs.append((folder, doc))
    if docs:
        first_folder, first = docs[0]
        n = first["shards"]
        if expect_plan is not None and first["plan"] != expect_plan:
            errors.append(Problem(textio.display_path(first_folder), 0, code,
                                  "the shards were planned from other sources, code or settings than this "
                                  "checkout's: make the shards and the merge from the same commit", "error"))
        by_k: dict[int, Path] = {}
        for folder, doc in docs:
            where = textio.display_path(folder)
            if doc["plan"] != first["plan"] or doc["shards"] != n:
                errors.append(Problem(where, 0, code, f"shard {doc['shard']}/{doc['shards']} was planned from other "
                                      f"sources, code or settings than {textio.display_path(first_folder)} (shard "
                                      f"{first['shard']}/{n}): make every shard from the same commit", "error"))
                continue
            if doc["shard"] in by_k:
                errors.append(Problem(where, 0, code, f"shard {doc['shard']}/{n} is given twice (also "
                                      f"{textio.display_path(by_k[doc['shard']])})", "error"))
            by_k.setdefault(doc["shard"], folder)
        missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in by_k]
        if missing:
            errors.append(Problem(textio.display_path(first_folder.parent), 0, code,
                                  f"shard{'s' if len(missing) > 1 else ''} {', '.join(missing)} missing: give "
                                  f"the folders of all {n} shards", "error"))
        owner: dict[str, Path] = {}
        for folder, doc in docs:
            for name, entry in sorted(doc["files"].items()):
                if name in owner:
                    errors.append(Problem(textio.display_path(folder / name), 0, code,
                                          f"{name} is also in {textio.display_path(owner[name])}: two shards "
                                          "made the same file", "error"))
                    continue
                owner[name] = folder
                path = folder / name
                try:
                    same = path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
                except OSError:
                    same = False
                if not same:
                    errors.append(Problem(textio.display_path(path), 0, code, "missing, or changed since the "
                                          "shard wrote it (an incomplete copy?)", "error"))
    if errors:
        result.problems = errors
        return result
    manifest = read_manifest(cache)
    cache.mkdir(parents=True, exist_ok=True)
    for folder, doc in sorted(docs, key=lambda d: d[1]["shard"]):
        for name, entry in sorted(doc["files"].items()):
            if out is not None:
                install(folder / name, out / name)
            if not (cache / f"{entry['digest']}{suffix}").is_file():
                install(folder / name, cache / f"{entry['digest']}{suffix}")
            manifest[name] = {"digest": entry["digest"],
                              **{k: v for k, v in entry.items() if k in ("pages", "warnings")}}
            result.made.append(name)
            result.digests[name] = entry["digest"]
            if "pages" in entry:
                result.pages[name] = int(entry["pages"])
        result.failed.extend(doc["failed"])
        result.problems.extend(Problem(*fields) for fields in doc["problems"])
    textio.atomic_write(manifest_path(cache), json.dumps(manifest, indent=1, sort_keys=True).encode())
    result.problems = list(dict.fromkeys(result.problems))
    return result


#: Cached PDFs that no current PDF uses are deleted after this many days.
PRUNE_DAYS = 14


def prune(cache: Path, keep: set[str], suffix: str) -> None:
    """Delete cached ``*<suffix>`` files older than :data:`PRUNE_DAYS` that no current output uses."""
    limit = time.time() - PRUNE_DAYS * 86400
    for path in cache.glob(f"*{suffix}"):
        if path.stem not in keep and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def read_sources(settings: SiteSettings) -> list[tuple[str, str]]:
    """The docs folder's sources; errors name files as the editor types them (``docs/…``)."""
    return textio.read_sources(settings.docs_dir, settings.docs_prefix)


def name_collisions(jobs: list[Job]) -> list[Problem]:
    """Two PDFs planned under one file name: an error naming both sources."""
    by_name: dict[str, Job] = {}
    out = []
    for job in jobs:
        other = by_name.setdefault(job.name, job)
        if other is not job:
            out.append(Problem(job.where, 0, "pdf-name-collision",
                               f"its PDF would be named {job.name}, like the PDF of {other.where}; no PDF was "
                               "written (rename one of the folders)", "error"))
    return out
