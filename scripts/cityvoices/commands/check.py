"""``cityvoices check``: do the Korean and English versions stay in step?

A thin shell over :mod:`cityvoices.parallel`: find the files, read them,
print the report.  Exit 0 when every publication is complete, 1 when there are
findings (divergent, missing or outdated translations, files with a language
suffix the site does not publish), 2 when a message is an error (a file that
could not be read, front matter or text the build would refuse, a symlink
leading out of the folder; the other files are still checked) or the command
could not do its job (a path that does not exist): the worst message decides
(:func:`cityvoices.problems.exit_code`).

Each pair is also aligned paragraph by paragraph (:mod:`cityvoices.align`,
the rows of the side-by-side view): a section whose paragraphs line up with
low confidence is printed as a warning (``[align-low-confidence]``) for the
translator to look at.  It is a hint, not a failure: it does not change the
publication's status nor the exit code (a clean pair with a hint exits 0).

Paths in messages are the paths given on the command line (run it from the
repository root: ``cityvoices check docs/…``).

``--mark-translated PATH`` records, in the translation's front matter, the
hash of the source it was brought up to date with (``source_hash``); only
that one line of the file changes.
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import sys
from pathlib import Path
from typing import Any

from cityvoices import catalog, i18n, parallel, sourcehash, syntax, textio
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR, CityVoicesError, Problem, exit_code


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "check",
        help="compare the Korean and English versions of each publication",
        description="Compare the Korean and English files of each publication (headings, figures, "
                    "captions, tables, footnotes, boxes, links, caption numbering, front matter) and list "
                    "missing and outdated translations. Exit 0 clean, 1 findings, 2 errors.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="folders or files to check (default: docs/); X.ko.md pairs with X.en.md")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument("--all", action="store_true", help="also list publications that check clean")
    p.add_argument("--mark-translated", metavar="PATH", dest="mark",
                   help="record in the translation of PATH's publication that it is up to date "
                        "with its source (writes front matter field source_hash)")
    p.set_defaults(func=run)


def _walk(root: Path, problems: list[Problem]) -> list[Path]:
    """``*.md`` below ``root`` (hidden folders skipped).  A symlink leading
    out of it, or a folder that cannot be read, is reported, never skipped in
    silence (:func:`cityvoices.textio.walk_docs`, the build's own walker)."""
    files, found = textio.walk_docs(root, root.as_posix().rstrip("/") + "/", skip_hidden=True)
    problems.extend(found)
    return [root / rel for rel, _path in files if rel.endswith(".md")]


def _collect(paths: list[str]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(_walk(path, problems))
        elif path.is_file():
            files.append(path)
            parts = syntax.split_lang(path.as_posix())
            if parts:
                for other in i18n.LANGS:
                    sib = Path(syntax.with_lang(path.as_posix(), other))
                    if sib != path and sib.is_file():
                        files.append(sib)
        else:
            raise CityVoicesError(raw, 0, "no such file or folder", code="path")
    seen: dict[str, Path] = {}
    for f in files:
        seen.setdefault(f.as_posix(), f)
    return list(seen.values()), problems


def _read(files: list[Path]) -> tuple[list[tuple[str, str]], list[Problem]]:
    texts, problems = [], []
    for f in files:
        name = f.as_posix()
        if not syntax.split_lang(name):
            bad = catalog.unknown_suffix_problem(name)
            if bad:
                problems.append(bad)
            continue
        try:
            texts.append((name, textio.read_text_file(f).text))
        except CityVoicesError as exc:
            problems.append(exc.problem)
        except OSError as exc:
            problems.append(Problem(name, 0, "io", f"cannot read the file: {exc.strerror}", "error"))
    return texts, problems


def run(args: argparse.Namespace) -> int:
    if args.mark:
        return mark_translated(args.mark)
    files, problems = _collect(args.paths or ["docs"])
    texts, read_problems = _read(files)
    problems += read_problems
    reports = parallel.check_sources(texts)
    stray: list[Problem] = []
    for prob in problems:  # an unreadable file is a finding of its publication
        key = catalog.publication_key(prob.path)
        if key is None or prob.severity != "error":
            stray.append(prob)
            continue
        lang = syntax.split_lang(prob.path)[1]
        rep = reports.setdefault(key, parallel.PairReport(key, {}))
        rep.paths.setdefault(lang, prob.path)
        rep.problems.append(prob)
        rep.missing = [m for m in rep.missing if m != lang]
        rep.status = "divergent" if not rep.missing else rep.status
    summary = {s: sum(1 for r in reports.values() if r.status == s) for s in parallel.STATUSES}
    dirty = [r for r in reports.values() if not r.clean]
    if args.format == "json":
        json.dump({"publications": [r.to_json() for r in reports.values()],
                   "problems": [{"path": p.path, "line": p.line, "severity": p.severity, "code": p.code,
                                 "message": p.message} for p in stray],
                   "summary": summary, "clean": not dirty and not stray},
                  sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        for prob in stray:
            print(prob.format())
        for rep in reports.values():
            if args.all or not rep.clean or rep.alignment_hints:
                print(parallel.format_report(rep))
        print(f"checked {len(reports)} publication(s): " + ", ".join(f"{n} {s}" for s, n in summary.items()))
    if not texts and problems:
        print(Problem(", ".join(args.paths or ["docs"]), 0, "nothing-checked",
                      "nothing could be checked (see the messages above)", "error").format(), file=sys.stderr)
        return EXIT_ERROR
    every = stray + [p for r in reports.values() for p in r.problems + r.file_problems + r.divergences]
    return exit_code(every, findings=bool(dirty))


def mark_translated(target: str) -> int:
    path = Path(target)
    if path.is_dir():
        candidates = sorted(p for p in path.glob("*.md") if syntax.split_lang(p.as_posix()))
        candidates = [p for p in candidates if p.name.startswith("index.")] or candidates
        if not candidates:
            raise CityVoicesError(target, 0, "no index.ko.md / index.en.md in this folder", code="path")
        path = candidates[0]
    if not path.is_file():
        raise CityVoicesError(target, 0, "no such file", code="path")
    parts = syntax.split_lang(path.as_posix())
    if not parts:
        raise CityVoicesError(target, 0, "not a language file (expected NAME.ko.md or NAME.en.md)", code="path")
    pair = {lang: Path(syntax.with_lang(path.as_posix(), lang)) for lang in i18n.LANGS}
    for lang, p in pair.items():
        if not p.is_file():
            raise CityVoicesError(str(p), 0, f"missing: there is no {lang} version to mark", code="path")
    try:
        decoded = {lang: textio.read_text_file(p) for lang, p in pair.items()}
    except OSError as exc:
        raise CityVoicesError(str(exc.filename or path), 0, f"cannot read the file: {exc.strerror}", code="io") from None
    structs = {lang: parallel.extract(d.text, str(pair[lang]), lang) for lang, d in decoded.items()}
    for st in structs.values():
        for prob in st.problems:
            if prob.code.startswith("frontmatter") and prob.severity == "error":
                raise CityVoicesError(prob.path, prob.line, prob.message, code=prob.code)
    original = structs["ko"].meta.get("original") or structs["en"].meta.get("original")
    if original not in i18n.LANGS:
        raise CityVoicesError(str(pair["ko"]), 1, "cannot tell which version is the source: set front "
                              "matter 'original: ko' or 'original: en'", code="frontmatter-missing")
    translation = i18n.other(original)
    value = sourcehash.source_hash(decoded[original].text)
    tpath = pair[translation]
    raw = tpath.read_bytes()
    bom = raw.startswith(codecs.BOM_UTF8)
    text = raw[len(codecs.BOM_UTF8):].decode("utf-8") if bom else raw.decode("utf-8")
    # on the text as stored (line endings as found): only the one line changes
    new_raw = sourcehash.set_source_hash(text, value, str(tpath))
    new_text = textio.decode(new_raw.encode("utf-8")).text
    if new_raw != text:
        if not os.access(tpath, os.W_OK):
            raise CityVoicesError(str(tpath), 0, "is read-only: source_hash not recorded", code="read-only")
        try:
            textio.atomic_write(tpath.resolve(), (codecs.BOM_UTF8 if bom else b"") + new_raw.encode("utf-8"))
        except OSError as exc:
            raise CityVoicesError(str(tpath), 0, f"cannot write: {exc.strerror}", code="io") from None
        print(f"{tpath}: source_hash: {value} (up to date with {pair[original]})")
    else:
        print(f"{tpath}: already up to date with {pair[original]} (source_hash: {value})")
    rep = parallel.check_pair(parts[0], {lang: (str(pair[lang]), d.text if lang != translation else new_text)
                                         for lang, d in decoded.items()})
    if rep.divergences:
        print(f"note: the pair still diverges ({len(rep.divergences)} finding(s)); run 'cityvoices check {path.parent}'",
              file=sys.stderr)
    return EXIT_CLEAN
