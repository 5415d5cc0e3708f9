"""The thin I/O shell around :mod:`cityvoices.epub.package`: plan the EPUBs,
render their articles and package them in worker processes, cache them by
content hash, write them atomically.

One entry point, :func:`build_epubs`, is shared by ``cityvoices epub`` and
by the site build (``cityvoices.integrations.pdf``).

What is made: one EPUB per publication per language
(:func:`cityvoices.urls.epub_name`) and one per CityVoices issue per
language (:func:`cityvoices.urls.issue_epub_name`: cover, the issue's
contents as the navigation document, its articles in the order of the
issue PDF, :func:`cityvoices.pdf.runner.issue_editions`).

Cost model (as the PDFs'): the plan only reads and hashes, without
rendering any Markdown.  An EPUB's key hashes this code, the site's
Markdown configuration, the Markdown of its articles, every other file in
their publication folders (all an EPUB may hold: containment) and the
catalogue values that reach it (issue titles, URLs).  When the key is in
``.cache/epub`` the file is copied from there; otherwise its articles are
rendered (phase 1: Markdown -> print HTML -> XHTML, once per article even
when an issue EPUB holds it too) and the EPUBs packaged (phase 2), both in
forked worker processes (:func:`cityvoices.pdf.runner.run_pool`).  A full
run also records its plan in the cache's manifest: when the next run's
sources, code and settings are the same, it skips even the catalogue and
only re-hashes the publication folders (:func:`cached_plan`).

Bad input is reported as the PDF path reports it (``path:line: error: …
[epub-image-missing|epub-url-refused|…]``) and that EPUB is not written; a
failed EPUB keeps its earlier good version.  Output names are checked for
collisions (:func:`cityvoices.urls.name_collisions`) before anything is
written.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

from cityvoices import __version__, catalog as _catalog, i18n, syntax, textio, urls
from cityvoices.epub import package
from cityvoices.pdf import assemble
from cityvoices.pdf import runner as pdf_runner
from cityvoices.problems import Problem
from cityvoices.settings import SiteSettings

PACKAGE_DIR = Path(__file__).resolve().parent
#: Bump when the output changes in a way the hashed inputs cannot see.
FORMAT = "2"
SUFFIX = ".epub"

read_sources = pdf_runner.read_sources


@dataclass
class Result(pdf_runner.Result):
    """The PDF runner's result, with the wall time of each phase
    (``plan``, ``articles``, ``packages``, ``install``) for the benchmark."""

    phases: dict[str, float] = field(default_factory=dict)


def css_text() -> str:
    return (PACKAGE_DIR / "epub.css").read_text(encoding="utf-8")


def code_fingerprint() -> str:
    """Hash of the code that shapes an EPUB: this package, the print
    assembly, the modules of ``cityvoices`` they read (normalize, render,
    syntax …: :func:`cityvoices.pdf.runner.package_modules`), with the
    libraries' versions (:func:`cityvoices.pdf.runner.library_versions`)."""
    top = PACKAGE_DIR.parent
    return pdf_runner.files_fingerprint(
        sorted(PACKAGE_DIR.glob("*")) + pdf_runner.package_modules() + [top / "pdf" / "assemble.py",
                                                                           top / "pdf" / "runner.py"],
        f"epub/{__version__}/{FORMAT}/{pdf_runner.library_versions()}")


#: Shared with the PDFs (one rule for what an edition's key holds).
settings_fingerprint = pdf_runner.settings_fingerprint
folder_digest = pdf_runner.folder_digest


# --------------------------------------------------------------------------
# Planning

@dataclass
class Job:
    name: str
    kind: str  # ko | en | issue
    keys: list[tuple[str, str]]  # (publication key, language) of its articles, in order
    digest: str
    sources: list[str]
    online_url: str = ""
    edition: pdf_runner.IssueEdition | None = None
    static: str = ""  # the part of ``digest`` the sources and settings determine
    folders: list[str] = field(default_factory=list)  # publication folders of its articles (in docs)
    cost: int = 0  # estimated cost (cityvoices.shards.partition): Markdown characters, and a package

    @property
    def where(self) -> str:
        return ", ".join(self.sources)


@dataclass
class Context:
    """What the worker processes read (inherited through fork)."""

    settings: SiteSettings
    cat: _catalog.Catalog
    texts: dict[str, str]
    pubs: dict[str, _catalog.Publication]
    issue_titles: dict[tuple[str, str], str | None]  # (issue, lang) -> catalog.issue_title
    parts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # phase 1 results
    jobs: dict[str, Job] = field(default_factory=dict)
    css: str = ""
    cache: Path = Path(".")


_CONTEXT: Context | None = None


def _base(settings: SiteSettings) -> str:
    return hashlib.sha256(f"{code_fingerprint()}/{settings_fingerprint(settings)}".encode()).hexdigest()


def job_digest(static: str, folders: list[str], docs_dir: Path, memo: dict[str, str]) -> str:
    """An EPUB's key: what the sources and settings determine (``static``)
    and the current content of its publication folders (relative to ``docs_dir``)."""
    h = hashlib.sha256(static.encode())
    for folder in folders:
        h.update(folder_digest(os.path.join(docs_dir, folder), memo).encode())
    return h.hexdigest()


#: The estimated cost of an EPUB beyond its Markdown (package, cover), in Markdown characters.
JOB_COST = 2_000
PART_COST = 1_000


def plan(sources: list[tuple[str, str]], settings: SiteSettings, *,
         only: Callable[[str], bool] | None = None) -> tuple[list[Job], list[Problem], Context]:
    """Every EPUB of the site as a job with its content key; reads and
    hashes only (no Markdown is rendered)."""
    cat = _catalog.build_catalog(sources, validate=False)
    texts = dict(sources)
    base = _base(settings)
    memo: dict[str, str] = {}
    problems = [p for p in cat.problems if p.severity == "error"]
    part_key: dict[tuple[str, str], str] = {}
    # once per issue (Catalog.issue_title walks every issue on each call)
    titles = {(issue, lang): _catalog.issue_title(members, lang) for issue, members in cat.issues()
              for lang in i18n.LANGS}

    def part_static(pub: _catalog.Publication, lang: str) -> str:
        if (pub.key, lang) not in part_key:
            ver = pub.versions[lang]
            fields = [ver.src_uri, lang, texts[ver.src_uri], titles.get((pub.issue or "", lang)) or "",
                      pdf_runner.online_url(settings, pub, lang)]
            part_key[(pub.key, lang)] = hashlib.sha256("\0".join(fields).encode()).hexdigest()
        return part_key[(pub.key, lang)]

    def job(name: str, kind: str, keys: list[tuple[_catalog.Publication, str]], extra: list[str], **kw: Any) -> Job:
        static = pdf_runner.edition_key(base, name, kind, extra, [part_static(pub, lang) for pub, lang in keys])
        folders = [posixpath.dirname(pub.versions[lang].src_uri) for pub, lang in keys]
        cost = JOB_COST + sum(PART_COST + len(texts[pub.versions[lang].src_uri]) for pub, lang in keys)
        return Job(name, kind, [(pub.key, lang) for pub, lang in keys],
                   job_digest(static, folders, settings.docs_dir, memo),
                   [settings.source_path(pub.versions[lang].src_uri) for pub, lang in keys],
                   static=static, folders=folders, cost=cost, **kw)

    jobs: list[Job] = []
    for pub in cat.all():
        if only and not any(only(v.src_uri) for v in pub.versions.values()):
            continue
        for lang in (lg for lg in i18n.LANGS if lg in pub.versions):
            online = pdf_runner.online_url(settings, pub, lang)
            jobs.append(job(urls.epub_name(pub.key, lang), lang, [(pub, lang)], [online], online_url=online))
    for ed in pdf_runner.issue_editions(cat, settings, only=only):
        jobs.append(job(urls.issue_epub_name(ed.issue, ed.lang), "issue", ed.keys,
                        [ed.issue, ed.lang, ed.title or "", ed.date_text, ed.online_url],
                        online_url=ed.online_url, edition=ed))
    pubs = {pub.key: pub for pub in cat.all()}
    return jobs, problems, Context(settings, cat, texts, pubs, titles)


#: The manifest's entry for the last full plan (names end in .epub, so it is never a job's).
PLAN_ENTRY = "(plan)"


def sources_key(sources: list[tuple[str, str]], settings: SiteSettings) -> str:
    """Hash of everything a full plan is a function of, but the folders' files."""
    h = hashlib.sha256(_base(settings).encode())
    for src, text in sources:
        h.update(f"{src}\0{len(text)}\0".encode())
        h.update(text.encode())
    return h.hexdigest()


def cached_plan(sources: list[tuple[str, str]], settings: SiteSettings, manifest: dict[str, Any],
                cache: Path) -> list[tuple[str, str, list[str]]] | None:
    """The fast path of a run with nothing changed: when the sources, code
    and settings are those of the last full plan, its jobs with keys
    recomputed from the folders as they are now: ``[(name, digest,
    sources)]``, or None unless every one of those EPUBs is in the cache
    (then :func:`plan` builds the catalogue as usual)."""
    entry = manifest.get(PLAN_ENTRY) or {}
    if entry.get("key") != sources_key(sources, settings):
        return None
    memo: dict[str, str] = {}
    out = []
    for name, static, folders, srcs in entry.get("jobs", []):
        digest = job_digest(static, folders, settings.docs_dir, memo)
        if not (cache / f"{digest}{SUFFIX}").is_file():
            return None
        out.append((name, digest, srcs))
    return out


# --------------------------------------------------------------------------
# Phase 1: one article (runs in worker processes)

def _line_in_body(text: str, needle: str) -> int:
    """Line of ``needle`` in the Markdown body (after the front matter, where
    a title may hold the same text), else anywhere; 0 when absent."""
    fm = syntax.front_matter_block(text)
    start = fm.end if fm else 0
    for hay, offset in ((text[start:], text.count("\n", 0, start)), (text, 0)):
        for n in dict.fromkeys([needle, unquote(needle)]):
            line = pdf_runner._line_of(hay, n) if n else 0
            if line:
                return line + offset
    return 0


def _problem(settings: SiteSettings, src_uri: str, text: str, needle: str, code: str, message: str,
             severity: str = "error") -> Problem:
    return Problem(settings.source_path(src_uri), _line_in_body(text, needle), code, message, severity)


def render_article(ctx: Context, key: str, lang: str) -> dict[str, Any]:
    """One article in one language -> its chapter (XHTML), images and problems."""
    settings = ctx.settings
    pub = ctx.pubs[key]
    ver = pub.versions[lang]
    text = ctx.texts[ver.src_uri]
    body, header, problems, _ = pdf_runner.render_part(ctx.cat, pub, lang, text, settings, {}, edition="EPUB",
                                                       issue_title=ctx.issue_titles.get((pub.issue or "", lang)))
    prep = package.prepare_body(body, src_uri=ver.src_uri, site_url=settings.site_url)
    for url in prep.refused:
        problems.append(_problem(settings, ver.src_uri, text, url, "epub-url-refused",
                                 f"{url!r} is outside the publication's folder (or not a local file); only its "
                                 "own files go into an EPUB"))
    for what, needle in prep.dropped:
        problems.append(_problem(settings, ver.src_uri, text, needle, "epub-html-dropped",
                                 f"{what} has no place in an EPUB and was left out of it", "warning"))
    folder = os.path.realpath(settings.docs_dir / Path(ver.src_uri).parent)
    mapping: dict[str, str] = {}
    images: dict[str, tuple[str, str]] = {}
    for src in dict.fromkeys(prep.images):
        path = Path(os.path.realpath(settings.docs_dir / Path(ver.src_uri).parent / unquote(src)))
        if not pdf_runner._within(path, folder) or not path.is_file():
            continue  # reported by render_part (missing, or outside the folder)
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(_problem(settings, ver.src_uri, text, src, "epub-image-missing",
                                     f"image {src!r} cannot be read ({exc.strerror or exc}; looked for "
                                     f"{textio.display_path(path)})"))
            continue
        ext = package.sniff(data)
        if ext is None:
            problems.append(_problem(settings, ver.src_uri, text, src, "epub-image-type",
                                     f"image {src!r} is not a PNG, JPEG, GIF or SVG file (every e-reader shows "
                                     "those; convert it)"))
            continue
        if ext == "svg":
            why = package.svg_problems(data)
            if why:
                problems.append(_problem(settings, ver.src_uri, text, src, "epub-svg-refused",
                                         f"image {src!r} cannot go into an EPUB: {'; '.join(why)}"))
                continue
        name = package.image_name(data, ext)
        mapping[src] = name
        images[name] = (package.MEDIA_TYPES[ext], str(path))
    part = assemble.Part(pub.key, lang, ver.src_uri, ver.meta, header, prep.html)
    xhtml = package.chapter(part, mapping, online_url=pdf_runner.online_url(settings, pub, lang))
    return {"key": key, "lang": lang, "part": part, "xhtml": xhtml, "images": images, "problems": problems}


def _part_work(payload: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    ctx = _CONTEXT
    assert ctx is not None
    try:
        out = render_article(ctx, payload["key"], payload["lang"])
    except (Exception, RecursionError) as exc:  # a report, not a crash
        pub = ctx.pubs[payload["key"]]
        src = ctx.settings.source_path(pub.versions[payload["lang"]].src_uri)
        out = {"key": payload["key"], "lang": payload["lang"],
               "problems": [Problem(src, 0, "epub-failed", f"the article could not be made into an EPUB: "
                                    f"{type(exc).__name__}: {exc}", "error")]}
    out["seconds"] = time.perf_counter() - started
    return out


# --------------------------------------------------------------------------
# Phase 2: one EPUB (runs in worker processes)

def document_of(ctx: Context, job: Job) -> tuple[assemble.Document, list[package.Chapter], str]:
    """The job's print document (the PDF's), its chapters and identifier."""
    parts = [ctx.parts[k] for k in job.keys]
    chapters = [package.Chapter(p["part"], p["xhtml"], p["images"]) for p in parts]
    if job.edition is None:
        doc = assemble.single_document(parts[0]["part"], online_url=job.online_url)
        uid = package.identifier("publication", job.keys[0][0], job.kind)
    else:
        ed = job.edition
        doc = assemble.issue_document(ed.issue, ed.lang, [p["part"] for p in parts], issue_title=ed.title,
                                      date_text=ed.date_text, online_url=ed.online_url)
        uid = package.identifier("issue", ed.issue, ed.lang)
    return doc, chapters, uid


def _pack_work(payload: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    ctx = _CONTEXT
    assert ctx is not None
    job = ctx.jobs[payload["name"]]
    try:
        doc, chapters, uid = document_of(ctx, job)
        resources = {}
        for ch in chapters:
            for name, (_media, path) in ch.images.items():
                if name not in resources:
                    data = Path(path).read_bytes()
                    if package.image_name(data, name.rsplit(".", 1)[1]) != name:
                        raise OSError(f"{textio.display_path(path)} changed while the EPUB was made")
                    resources[name] = data
        data = package.package(doc, uid, chapters, resources, ctx.css)
        textio.atomic_write(ctx.cache / f"{job.digest}{SUFFIX}", data)
    except Exception as exc:  # a report, not a crash
        return {"name": job.name, "error": f"{type(exc).__name__}: {exc}", "seconds": time.perf_counter() - started}
    return {"name": job.name, "bytes": len(data), "seconds": time.perf_counter() - started}


# --------------------------------------------------------------------------
# The build

def build_epubs(sources: list[tuple[str, str]], settings: SiteSettings, out_dir: str | os.PathLike, *,
                cache_dir: str | os.PathLike | None = None, workers: int | None = None,
                progress: bool | None = None, only: Callable[[str], bool] | None = None,
                shard: tuple[int, int] | None = None) -> Result:
    """Plan, make what changed, install every EPUB into ``out_dir``.

    ``Result.made`` + ``Result.cached`` are the files written into
    ``out_dir``; a failed EPUB keeps its earlier good version.  ``shard``
    ``(K, N)``: only the K-th of N parts of the jobs, and a shard manifest
    (as :func:`cityvoices.pdf.runner.build_pdfs`)."""
    global _CONTEXT
    out = Path(out_dir)
    cache = Path(cache_dir) if cache_dir else settings.root / ".cache" / "epub"
    result = Result()
    t0 = time.perf_counter()
    manifest = pdf_runner.read_manifest(cache)
    fast = cached_plan(sources, settings, manifest, cache) if only is None and shard is None else None
    if fast is not None:  # nothing changed since the last full plan: copy from the cache
        for name, digest, _srcs in fast:
            pdf_runner.install(cache / f"{digest}{SUFFIX}", out / name)
            result.cached.append(name)
            result.digests[name] = digest
            entry = manifest.get(name, {})
            if entry.get("digest") == digest:
                result.problems.extend(Problem(*w) for w in entry.get("warnings", []))
        result.problems = list(dict.fromkeys(result.problems))  # one warning per article, not per EPUB
        result.phases["plan"] = time.perf_counter() - t0
        return result
    jobs, problems, ctx = plan(sources, settings, only=only)
    result.problems.extend(problems)
    collisions = urls.name_collisions([(j.name, j.where) for j in jobs])
    if collisions:  # before anything is written: one name, two publications
        result.problems.extend(collisions)
        result.failed.extend(sorted({j.name for j in jobs}))
        return result
    cache.mkdir(parents=True, exist_ok=True)
    planned = jobs
    if shard is not None:
        jobs = pdf_runner.shard_jobs(jobs, *shard)
    todo: list[Job] = []
    for job in jobs:
        cached = cache / f"{job.digest}{SUFFIX}"
        if cached.is_file():
            pdf_runner.install(cached, out / job.name)
            result.cached.append(job.name)
            result.digests[job.name] = job.digest
            entry = manifest.get(job.name, {})
            if entry.get("digest") == job.digest:  # the warnings of the run that made it
                result.problems.extend(Problem(*w) for w in entry.get("warnings", []))
        else:
            todo.append(job)
    result.phases["plan"] = time.perf_counter() - t0  # with the copies from the cache
    show = progress if progress is not None else sys.stderr.isatty()
    ctx.css = css_text()
    ctx.cache = cache
    ctx.jobs = {j.name: j for j in todo}
    needed = list(dict.fromkeys(k for j in todo for k in j.keys))
    _CONTEXT = ctx
    try:
        # phase 1: the articles, longest first so no worker is left with a long one at the end
        t0 = time.perf_counter()
        needed.sort(key=lambda k: len(ctx.texts[ctx.pubs[k[0]].versions[k[1]].src_uri]), reverse=True)
        for res in pdf_runner.run_pool(_part_work, [{"key": k, "lang": lang} for k, lang in needed],
                                       workers=workers, progress=show, desc="EPUB articles", unit="article"):
            ctx.parts[(res["key"], res["lang"])] = res
        part_problems = {k: ctx.parts[k]["problems"] for k in needed}
        for k in needed:
            result.problems.extend(part_problems[k])
        ready = []
        for job in todo:
            if any("part" not in ctx.parts[k] or any(p.severity == "error" for p in part_problems[k])
                   for k in job.keys):
                result.failed.append(job.name)
            else:
                ready.append(job)
        result.phases["articles"] = time.perf_counter() - t0
        # phase 2: the packages (forked after phase 1, so the workers hold its results)
        t0 = time.perf_counter()
        ready.sort(key=lambda j: len(j.keys), reverse=True)
        results = pdf_runner.run_pool(_pack_work, [{"name": j.name} for j in ready], workers=workers,
                                      progress=show, desc="EPUB", unit="epub")
        result.phases["packages"] = time.perf_counter() - t0
    finally:
        _CONTEXT = None
    t0 = time.perf_counter()
    by_name = {j.name: j for j in ready}
    for res in sorted(results, key=lambda r: r["name"]):
        job = by_name[res["name"]]
        result.seconds[job.name] = res["seconds"] + sum(ctx.parts[k].get("seconds", 0) for k in job.keys)
        if "error" in res:
            result.failed.append(job.name)
            result.problems.append(Problem(job.where, 0, "epub-failed",
                                           f"{job.name}: the EPUB could not be made: {res['error']}", "error"))
            continue
        pdf_runner.install(cache / f"{job.digest}{SUFFIX}", out / job.name)
        warnings = [list(dataclass_tuple(p)) for k in job.keys for p in part_problems[k]]
        manifest[job.name] = {"digest": job.digest, "warnings": warnings}
        result.made.append(job.name)
        result.digests[job.name] = job.digest
    for name in result.failed:
        dest = out / name
        good = manifest.get(name, {}).get("digest")
        if not dest.exists() and good and (cache / f"{good}{SUFFIX}").is_file():
            pdf_runner.install(cache / f"{good}{SUFFIX}", dest)
            result.digests[name] = good
            result.problems.append(Problem(name, 0, "epub-kept", f"{name}: kept the EPUB of an earlier run",
                                           "warning"))
    if only is None and shard is None:  # the fast path of the next run (only when this plan is clean)
        manifest.pop(PLAN_ENTRY, None)
        if not problems and not result.failed:
            manifest[PLAN_ENTRY] = {"key": sources_key(sources, settings),
                                    "jobs": [[j.name, j.static, j.folders, j.sources] for j in jobs]}
    textio.atomic_write(pdf_runner.manifest_path(cache), json.dumps(manifest, indent=1, sort_keys=True).encode())
    if only is None:
        pdf_runner.prune(cache, {j.digest for j in planned} | {m.get("digest") for m in manifest.values()}, SUFFIX)
    result.problems = list(dict.fromkeys(result.problems))
    if shard is not None:
        pdf_runner.write_shard_manifest(out, "epub", shard, pdf_runner.plan_key(planned), result,
                                        {n: {"warnings": manifest.get(n, {}).get("warnings", [])}
                                         for n in result.digests})
    result.phases["install"] = time.perf_counter() - t0
    return result


def current_plan_key(sources: list[tuple[str, str]], settings: SiteSettings, *,
                     only: Callable[[str], bool] | None = None) -> str:
    """:func:`cityvoices.pdf.runner.plan_key` of this checkout's EPUBs."""
    return pdf_runner.plan_key(plan(sources, settings, only=only)[0])


def dataclass_tuple(p: Problem) -> tuple[str, int, str, str, str]:
    return (p.path, p.line, p.code, p.message, p.severity)
