"""New publications in the house layout: folder, both language files with
front matter that validates, and an images/ folder.  Pure: returns the files
to write; the ``cityvoices new`` command writes them."""

from __future__ import annotations

import datetime as _dt
import re

import yaml

from cityvoices import frontmatter

SECTION = {"article": "cityvoices", "newsletter": "newsletters", "report": "reports"}
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

BODY = {
    "ko": "본문을 여기에 씁니다. 각주는 `[^1]`, 그림은 이미지 다음에 `/// figure-caption` 블록으로 씁니다.\n",
    "en": "Write the text here. Footnotes are `[^1]`; a figure is an image followed by a `/// figure-caption` block.\n",
}


class ScaffoldError(ValueError):
    pass


def folder_for(ptype: str, slug: str, date: _dt.date, *, issue: str | None = None,
               event: str | None = None) -> str:
    """``cityvoices/<issue>/<slug>``, ``newsletters/<YYYY-MM>/<slug>``, ``reports/<event>/<slug>``."""
    if ptype not in SECTION:
        raise ScaffoldError(f"type must be one of {', '.join(SECTION)}, not {ptype!r}")
    if not SLUG_RE.match(slug):
        raise ScaffoldError(f"slug {slug!r}: use lower-case letters, digits and hyphens (e.g. seoul-congress-2013)")
    if ptype == "article":
        if not issue:
            raise ScaffoldError("an article needs --issue (e.g. 2014-1)")
        group = issue
    elif ptype == "newsletter":
        group = f"{date.year:04d}-{date.month:02d}"
    else:
        if not event or not SLUG_RE.match(event):
            raise ScaffoldError("a report needs --event, a folder name such as 2013-seoul-congress")
        group = event
    return f"{SECTION[ptype]}/{group}/{slug}"


def new_publication(ptype: str, slug: str, date: _dt.date, *, title_ko: str, title_en: str,
                    authors: list[str], issue: str | None = None, event: str | None = None,
                    original: str = "ko") -> dict[str, str]:
    """Files (paths relative to docs/) for a new publication pair."""
    folder = folder_for(ptype, slug, date, issue=issue, event=event)
    out: dict[str, str] = {}
    for lang, title in (("ko", title_ko), ("en", title_en)):
        meta: dict[str, object] = {"title": title, "type": ptype, "date": date, "authors": list(authors)}
        if ptype == "article":
            meta["issue"] = issue
        if ptype == "report":
            meta["event"] = event
        meta["original"] = original
        meta["summary"] = ""
        meta["tags"] = []
        text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + BODY[lang]
        fm, problems = frontmatter.parse(text)
        problems += [p for p in frontmatter.validate(fm) if p.severity == "error"]
        if problems:
            raise ScaffoldError(problems[0].message)
        out[f"{folder}/index.{lang}.md"] = text
    out[f"{folder}/images/.gitkeep"] = ""
    return out
