"""New publications in the house layout: folder, both language files with
front matter that validates, and an images/ folder.  Pure: returns the files
to write; the ``cityvoices new`` command writes them.

The folder comes from the type's row (:mod:`cityvoices.pubtypes`):
``<section>/<group>/<slug>``, the group by issue, month or event.  Every
path component given by the user goes through
:func:`cityvoices.urls.safe_component`.
"""

from __future__ import annotations

import datetime as _dt

import yaml

from cityvoices import frontmatter, pubtypes
from cityvoices.urls import ID_RE, SLUG_RE, UnsafePathError, safe_component

BODY = {
    "ko": "본문을 여기에 씁니다. 각주는 `[^1]`, 그림은 이미지 다음에 `/// figure-caption` 블록으로 씁니다.\n",
    "en": "Write the text here. Footnotes are `[^1]`; a figure is an image followed by a `/// figure-caption` block.\n",
}


class ScaffoldError(ValueError):
    pass


def folder_for(ptype: str, slug: str, date: _dt.date, *, issue: str | None = None,
               event: str | None = None) -> str:
    """``cityvoices/<issue>/<slug>``, ``newsletters/<YYYY-MM>/<slug>``, ``reports/<event>/<slug>``."""
    row = pubtypes.get(ptype)
    if row is None:
        raise ScaffoldError(f"type must be one of {', '.join(pubtypes.NAMES)}, not {ptype!r}")
    try:
        safe_component(slug, "slug", pattern=SLUG_RE, example="seoul-congress-2013")
        if row.group == pubtypes.BY_ISSUE:
            if not issue:
                raise ScaffoldError(f"a{'n' if row.name[0] in 'aeiou' else ''} {row.name} needs --issue (e.g. 2014-1)")
            group = safe_component(issue, "--issue", pattern=ID_RE, example="2014-1")
        elif row.group == pubtypes.BY_MONTH:
            group = f"{date.year:04d}-{date.month:02d}"
        else:
            if not event:
                raise ScaffoldError(f"a {row.name} needs --event, a folder name such as 2013-seoul-congress")
            group = safe_component(event, "--event", pattern=SLUG_RE, example="2013-seoul-congress")
    except UnsafePathError as exc:
        raise ScaffoldError(str(exc)) from None
    return f"{row.section}/{group}/{slug}"


def new_publication(ptype: str, slug: str, date: _dt.date, *, title_ko: str, title_en: str,
                    authors: list[str], issue: str | None = None, event: str | None = None,
                    original: str = "ko") -> dict[str, str]:
    """Files (paths relative to docs/) for a new publication pair."""
    folder = folder_for(ptype, slug, date, issue=issue, event=event)
    row = pubtypes.get(ptype)
    assert row is not None
    out: dict[str, str] = {}
    for lang, title in (("ko", title_ko), ("en", title_en)):
        meta: dict[str, object] = {"title": title, "type": ptype, "date": date, "authors": list(authors)}
        if row.group_field == "issue":
            meta["issue"] = issue
        if row.group_field == "event":
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
