"""Front matter: split it from the body, parse it, validate the schema.

The schema is documented in the editors' guide (docs/guide/).  Everything
here is pure: text in, data and problems out.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from cityvoices.problems import Problem

TYPES = ("article", "newsletter", "report", "page")
LANGS = ("ko", "en")
DIRECTION_RE = re.compile(r"^\s*(ko|en)\s*(?:→|->|>|to)\s*(ko|en)\s*$")

REQUIRED = ("title", "type", "date", "authors")
#: Fields of the schema, with a one-line description (also shown in the guide).
FIELDS: dict[str, str] = {
    "title": "the publication's title in this language",
    "type": "article | newsletter | report (page for site pages)",
    "date": "publication date, YYYY-MM-DD",
    "authors": "list of authors: a name, or {name, affiliation}",
    "translators": "list of {name, direction}, direction like en→ko",
    "issue": "CityVoices magazine issue id, e.g. 2014-1 (articles only)",
    "issue_title": "display title of the issue (optional; first article's wins)",
    "event": "the event a congress report belongs to (reports only)",
    "summary": "one or two sentences for listings and search results",
    "tags": "list of keywords",
    "sample": "true for clearly labelled sample content",
    "original": "the language the text was written in (ko | en)",
    "source_hash": "hash of the source-language file this translation was made from",
    # Material for MkDocs / MkDocs keys that editors may legitimately use.
    "hide": "Material: hide navigation, toc ...",
    "search": "Material: search settings",
    "description": "HTML meta description",
    "template": "MkDocs template override",
    "listing": "site pages only: which generated listing to show",
    "translation_status": "site pages only: show the translation status table",
    "status": "Material: page status",
}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
    """SafeLoader that keeps an impossible date (2013-13-01) as text, so the
    schema check can name the field instead of the YAML library crashing."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

FM_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


@dataclass
class FrontMatter:
    data: dict[str, Any]
    #: 1-based line of each top-level key in the file
    lines: dict[str, int] = field(default_factory=dict)
    #: number of lines the front matter block occupies (0 when absent)
    span: int = 0


def split(text: str) -> tuple[str | None, str, int]:
    """Return ``(yaml_text or None, body, lines_taken)``."""
    m = FM_RE.match(text)
    if not m:
        return None, text, 0
    return (m.group(1) or ""), text[m.end():], text[: m.end()].count("\n")


def parse(text: str, path: str = "<text>") -> tuple[FrontMatter, list[Problem]]:
    """Parse the front matter of ``text``. Problems carry file and line."""
    problems: list[Problem] = []
    if text.startswith("---") and not FM_RE.match(text):
        problems.append(
            Problem(path, 1, "frontmatter-unclosed",
                    "front matter starts with '---' but has no closing '---' line", "error")
        )
        return FrontMatter({}), problems
    raw, _body, span = split(text)
    if raw is None:
        return FrontMatter({}, span=0), problems
    try:
        node = yaml.compose(raw, Loader=_Loader)
        data = yaml.load(raw, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        msg = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(Problem(path, line, "frontmatter-yaml", f"front matter is not valid YAML: {msg}", "error"))
        return FrontMatter({}, span=span), problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem(path, 2, "frontmatter-yaml", "front matter must be a mapping of 'key: value' lines", "error"))
        return FrontMatter({}, span=span), problems
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            lines[str(key_node.value)] = key_node.start_mark.line + 2
    return FrontMatter(data, lines, span), problems


def _as_date(value: Any) -> _dt.date | None:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def normalize_people(value: Any) -> list[dict[str, str]]:
    """Authors/translators as a list of dicts with at least ``name``."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str):
            out.append({"name": item})
        elif isinstance(item, dict):
            out.append({str(k): str(v) for k, v in item.items() if v is not None})
    return out


def validate(fm: FrontMatter, path: str = "<text>", *, require: bool = True) -> list[Problem]:
    """Check ``fm`` against the schema. ``require=False`` skips required fields
    (for site pages that are not publications)."""
    data, lines = fm.data, fm.lines
    problems: list[Problem] = []

    def err(key: str, msg: str, code: str = "frontmatter-field") -> None:
        problems.append(Problem(path, lines.get(key, 1), code, f"front matter field '{key}': {msg}", "error"))

    ptype = data.get("type")
    is_publication = ptype in ("article", "newsletter", "report")
    if require or is_publication:
        for key in REQUIRED:
            if key not in data or data[key] in (None, "", []):
                err(key, "is required but missing or empty", "frontmatter-missing")
    if "title" in data and data["title"] not in (None, "") and not isinstance(data["title"], str):
        err("title", "must be text")
    if ptype is not None and ptype not in TYPES:
        err("type", f"must be one of {', '.join(TYPES[:3])}, not {ptype!r}")
    if "date" in data and data["date"] not in (None, "") and _as_date(data["date"]) is None:
        err("date", f"must be a date written YYYY-MM-DD, not {data['date']!r}")
    for key in ("authors", "translators"):
        if key not in data or data[key] in (None, "", []):
            continue
        val = data[key]
        items = val if isinstance(val, list) else [val]
        for item in items:
            if isinstance(item, str) and item.strip():
                continue
            if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
                continue
            err(key, "each entry needs a name (text, or a mapping with 'name:')")
            break
    for item in data.get("translators") or []:
        if isinstance(item, dict):
            direction = item.get("direction")
            if direction is None or not DIRECTION_RE.match(str(direction)):
                err("translators", f"each translator needs a direction like 'en→ko', not {direction!r}")
                break
    if ptype == "article" and require and not data.get("issue"):
        err("issue", "is required for CityVoices articles (e.g. 2014-1)", "frontmatter-missing")
    if "tags" in data and data["tags"] is not None:
        if not isinstance(data["tags"], list) or not all(isinstance(t, (str, int)) for t in data["tags"]):
            err("tags", "must be a list of words")
    if "original" in data and data["original"] not in LANGS:
        err("original", f"must be ko or en, not {data['original']!r}")
    for key in data:
        if key not in FIELDS:
            problems.append(
                Problem(path, lines.get(key, 1), "frontmatter-unknown",
                        f"front matter field '{key}' is not in the schema; it is kept but not used "
                        f"(known fields: {', '.join(k for k in FIELDS if k not in ('hide','search','description','template','status'))})",
                        "warning")
            )
    return problems


def date_of(data: dict[str, Any]) -> _dt.date | None:
    return _as_date(data.get("date"))


def translation_direction(item: dict[str, str]) -> tuple[str, str] | None:
    m = DIRECTION_RE.match(item.get("direction", ""))
    return (m.group(1), m.group(2)) if m else None
