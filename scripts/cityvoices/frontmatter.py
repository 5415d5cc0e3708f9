"""Front matter: split it from the body, parse it safely, validate the schema.

The block itself (``---`` … ``---`` at the start of a file) is
:func:`cityvoices.syntax.front_matter_block`; the publication types come
from :mod:`cityvoices.pubtypes`.  The schema is :data:`FIELDS` (documented in
the editors' guide, docs/guide/).  Everything here is pure: text in, data
and problems out.

Safe by construction:

* every value has a type (:data:`FIELDS`): a wrong type is an error naming
  file, line and field, so no list or mapping is ever shown on a page as a
  Python repr; ``sample: "false"`` is an error, not a true value;
* unknown fields are a warning; a key given twice is an error;
* YAML anchors and aliases (``&x`` / ``*x``) are refused before anything is
  built from them (a 371-byte alias bomb expands to megabytes), and so is
  nesting deeper than :data:`MAX_DEPTH`;
* a block that is never closed, or closed only after it swallowed the
  article's heading, is an error naming line 1.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from cityvoices import pubtypes, syntax
from cityvoices.i18n import LANGS
from cityvoices.problems import Problem

DIRECTION_RE = re.compile(r"^\s*(ko|en)\s*(?:→|->|>|to)\s*(ko|en)\s*$")
#: Deepest nesting front matter may use (authors are 3 deep).
MAX_DEPTH = 8


@dataclass(frozen=True)
class Field:
    kind: str  # text | id | date | people | translators | words | bool | lang | type | mapping | list | icon | path | order
    description: str
    #: shown in the "known fields" hint and the guide (Material's own keys are not)
    listed: bool = True


#: The schema: every field, its type and a one-line description.
FIELDS: dict[str, Field] = {
    "title": Field("text", "the publication's title in this language"),
    "type": Field("type", "the publication type: " + " | ".join(pubtypes.NAMES)
                  + f" ({pubtypes.ISSUE_PAGE} for an issue's own page, page for site pages)"),
    "date": Field("date", "publication date, YYYY-MM-DD"),
    "authors": Field("people", "list of authors: a name, or {name, affiliation}"),
    "translators": Field("translators", "list of {name, direction}, direction like en→ko"),
    "issue": Field("id", "CityVoices magazine issue id, e.g. 2014-1 (articles only)"),
    "issue_title": Field("text", "display title of the issue (the earliest article that sets it wins)"),
    "event": Field("id", "the event a congress report belongs to (reports only)"),
    "summary": Field("text", "one or two sentences for listings and search results"),
    "description": Field("text", "the page's meta description for search engines (default: the summary)"),
    "tags": Field("words", "list of keywords"),
    "cover": Field("path", "cover image, a file in the publication's (or issue's) own folder, e.g. images/cover.jpg"),
    "order": Field("order", "position in the issue's contents (1, 2, 3 ...; without it: by date)"),
    "sample": Field("bool", "true for clearly labelled sample content"),
    "original": Field("lang", "the language the text was written in (ko | en)"),
    "source_hash": Field("text", "hash of the source-language file this translation was made from"),
    "listing": Field("text", "site pages only: which generated listing to show"),
    "translation_status": Field("bool", "site pages only: show the translation status table"),
    # Material for MkDocs / MkDocs keys that editors may legitimately use.
    "hide": Field("list", "Material: hide navigation, toc ...", listed=False),
    "search": Field("mapping", "Material: search settings", listed=False),
    "template": Field("text", "MkDocs template override", listed=False),
    "status": Field("text", "Material: page status", listed=False),
    # Material includes ".icons/<icon>.svg": a name, never a path out of the theme
    "icon": Field("icon", "Material: the page's icon in the navigation, e.g. material/book-open", listed=False),
}
#: A Material icon name (``material/book-open``, ``fontawesome/solid/city``).
ICON_RE = re.compile(r"^[a-z0-9][a-z0-9-]*(?:/[a-z0-9][a-z0-9-]*)+$")
#: Required for every publication (types add their own: pubtypes.PubType.required).
REQUIRED = ("title", "type", "date", "authors")
PERSON_KEYS = {"people": ("name", "affiliation"), "translators": ("name", "direction", "affiliation")}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
    """SafeLoader that keeps an impossible date (2013-13-01) as text, so the
    schema check can name the field instead of the YAML library crashing."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


@dataclass
class FrontMatter:
    data: dict[str, Any]
    #: 1-based line of each top-level key in the file
    lines: dict[str, int] = field(default_factory=dict)
    #: number of lines the front matter block occupies (0 when absent)
    span: int = 0


def split(text: str) -> tuple[str | None, str, int]:
    """Return ``(yaml_text or None, body, lines_taken)``."""
    block = syntax.front_matter_block(text)
    if block is None:
        return None, text, 0
    return block.yaml, text[block.end:], block.lines


def _err(path: str, line: int, code: str, message: str) -> Problem:
    return Problem(path, line, code, message, "error")


def _unclosed(text: str, path: str) -> Problem | None:
    """A block that is never closed, or that runs past the article's first
    heading (its closing ``---`` forgotten, a later ``---`` rule taken for it)."""
    block = syntax.front_matter_block(text)
    if block is None:
        return _err(path, 1, "frontmatter-unclosed",
                    "front matter starts with '---' on line 1 but has no closing '---' line; add it after "
                    "the last field")
    lines = block.yaml.split("\n")
    for k, line in enumerate(lines):
        heading = syntax.HEADING_RE.match(line)
        if heading and heading.group("text") and not line[:1].isspace() and (
                k == 0 or not lines[k - 1].strip() or not syntax.FRONT_MATTER_KEY_RE.match(lines[k - 1])):
            after = [ln for ln in lines[k + 1:] if ln.strip()]
            if any(not _KEY_LINE_RE.match(ln) and not ln.startswith("#") for ln in after) or \
                    (len(lines) >= 2 and not lines[-2].strip()):
                return _err(path, 1, "frontmatter-unclosed",
                            f"front matter opened on line 1 is closed only on line {block.lines}, after the "
                            f"heading on line {k + 2}: add the closing '---' after the last field")
    return None


#: A line inside front matter: a key, an indented value, a list item.
_KEY_LINE_RE = re.compile(rf"{syntax.FRONT_MATTER_KEY_RE.pattern}|^[ \t]+\S|^-(?:[ \t]|$)")


def _unopened(text: str, path: str) -> Problem | None:
    """Fields written at the top without the opening ``---``: Markdown would
    read them, with the closing ``---`` under them, as a heading."""
    lines = text.split("\n", 40)[:40]
    if not lines or not syntax.FRONT_MATTER_KEY_RE.match(lines[0]):
        return None
    for k, line in enumerate(lines[1:], 1):
        if syntax.FRONT_MATTER_CLOSE_RE.match(line):
            return _err(path, 1, "frontmatter-unopened",
                        f"lines 1–{k} look like front matter closed by '---' on line {k + 1}, but the opening "
                        "'---' line is missing: add '---' as the first line")
        if not _KEY_LINE_RE.match(line):
            return None
    return None


def _describe(value: Any) -> str:
    """A value as an editor would call it (never a Python repr)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text '{value}'" if len(value) < 40 else "a text"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value)"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return f"the date {value.isoformat()}"
    return "an empty value" if value is None else "a value of another kind"


def _check_tokens(raw: str, path: str) -> Problem | None:
    """Refuse anchors, aliases and deep nesting before anything is built."""
    depth = 0
    try:
        for tok in yaml.scan(raw, Loader=_Loader):
            name = type(tok).__name__
            if name in ("AnchorToken", "AliasToken"):
                what = "an anchor (&name)" if name == "AnchorToken" else "an alias (*name)"
                return _err(path, tok.start_mark.line + 2, "frontmatter-alias",
                            f"front matter uses {what}; anchors and aliases are not allowed: write the "
                            "value out")
            if name.endswith("StartToken") and name not in ("StreamStartToken", "DocumentStartToken"):
                depth += 1
                if depth > MAX_DEPTH:
                    return _err(path, tok.start_mark.line + 2, "frontmatter-depth",
                                f"front matter is nested more than {MAX_DEPTH} levels deep; no field "
                                "needs that")
            elif name in ("BlockEndToken", "FlowSequenceEndToken", "FlowMappingEndToken"):
                depth -= 1
    except yaml.YAMLError:
        return None  # reported, with its line, by the parser
    return None


def _duplicates(node: yaml.Node, path: str, out: list[Problem]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            k = str(key.value)
            line = key.start_mark.line + 2
            if k in seen:
                out.append(_err(path, line, "frontmatter-duplicate",
                                f"front matter field '{k}' is given twice (lines {seen[k]} and {line}); "
                                "keep one"))
            else:
                seen[k] = line
            _duplicates(value, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _duplicates(item, path, out)


def parse(text: str, path: str = "<text>") -> tuple[FrontMatter, list[Problem]]:
    """Parse the front matter of ``text``. Problems carry file and line."""
    problems: list[Problem] = []
    if syntax.opens_front_matter(text):
        bad = _unclosed(text, path)
        if bad:
            return FrontMatter({}), [bad]
    raw, _body, span = split(text)
    if raw is None:
        bad = _unopened(text, path)
        return FrontMatter({}, span=0), [bad] if bad else problems
    bad = _check_tokens(raw, path)
    if bad:
        return FrontMatter({}, span=span), [bad]
    loader = _Loader(raw)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        msg = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return FrontMatter({}, span=span), [_err(path, line, "frontmatter-yaml",
                                                 f"front matter is not valid YAML: {msg}")]
    except RecursionError:
        return FrontMatter({}, span=span), [_err(path, 2, "frontmatter-depth", "front matter is nested too deep")]
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return FrontMatter({}, span=span), [_err(path, 2, "frontmatter-yaml",
                                                 "front matter must be a mapping of 'key: value' lines")]
    _duplicates(node, path, problems)
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            lines.setdefault(str(key_node.value), key_node.start_mark.line + 2)
    return FrontMatter({str(k): v for k, v in data.items()}, lines, span), problems


# --------------------------------------------------------------------------
# Reading values (what the renderers use: never a repr, never a wrong type)


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


def text(meta: dict[str, Any], key: str) -> str:
    """Field ``key`` as text, or ``""`` when it is absent or not text (ids
    written as numbers, ``issue: 2014``, count as text)."""
    value = meta.get(key)
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and FIELDS.get(key, Field("", "")).kind == "id":
        return str(value)
    return ""


def flag(meta: dict[str, Any], key: str) -> bool:
    """Field ``key`` is the boolean ``true`` (``"false"``, ``1`` or ``"yes"`` are not)."""
    return meta.get(key) is True


def words(meta: dict[str, Any], key: str) -> list[str]:
    """A list-of-words field (tags) as texts; other values give ``[]``."""
    value = meta.get(key)
    if not isinstance(value, list):
        return []
    return [str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool)]


def normalize_people(value: Any) -> list[dict[str, str]]:
    """Authors/translators as a list of dicts with at least ``name`` (only
    text values are kept)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str) and item.strip():
            out.append({"name": item})
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append({str(k): v for k, v in item.items() if isinstance(v, str)})
    return out


def date_of(data: dict[str, Any]) -> _dt.date | None:
    return _as_date(data.get("date"))


def order_of(meta: dict[str, Any]) -> int | None:
    """The ``order`` field as a number (``None``: absent or not a whole number)."""
    value = meta.get("order")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


#: What a cover image may be (what browsers, feed readers and WeasyPrint show).
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg", ".avif")


def image_path_problem(value: Any) -> str | None:
    """Why ``value`` is not a path to an image inside the file's own folder
    (``None`` when it is): relative, no ``..``, no scheme or drive, no
    backslash, every part a safe file name (:func:`cityvoices.urls.safe_component`),
    an image suffix.  Whether the file exists is checked by the build, which
    sees the folder."""
    from cityvoices.urls import UnsafePathError, safe_component

    if not isinstance(value, str):
        return f"must be a path such as images/cover.jpg, not {_describe(value)}"
    if value.startswith(("/", "~")) or "\\" in value or re.match(r"^[A-Za-z][\w+.-]*:", value):
        return (f"must be a path inside the publication's folder, such as images/cover.jpg, not "
                f"{_describe(value)}")
    parts = value.split("/")
    try:
        for part in parts:
            safe_component(part, "each part of the path")
    except UnsafePathError as exc:
        return f"must stay inside the publication's folder: {exc}"
    if not value.lower().endswith(IMAGE_SUFFIXES):
        return f"must name an image ({', '.join(IMAGE_SUFFIXES)}), not {_describe(value)}"
    return None


def path_of(meta: dict[str, Any], key: str) -> str:
    """A path field (``cover``) when it is valid, else ``""``."""
    value = meta.get(key)
    return value if isinstance(value, str) and value and image_path_problem(value) is None else ""


def translation_direction(item: dict[str, str]) -> tuple[str, str] | None:
    m = DIRECTION_RE.match(item.get("direction", ""))
    return (m.group(1), m.group(2)) if m else None


def translators_into(meta: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """The translators of the ``lang`` version: those whose ``direction``
    ends in ``lang``, and those without a direction."""
    return [p for p in normalize_people(meta.get("translators"))
            if (translation_direction(p) or ("", lang))[1] == lang]


# --------------------------------------------------------------------------
# Validation


def _type_error(key: str, value: Any, kind: str) -> str | None:
    """Why ``value`` is not of ``kind`` (``None`` when it is)."""
    if kind == "text":
        return None if isinstance(value, str) else f"must be text, not {_describe(value)}"
    if kind == "id":
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return None
        return f"must be text such as 2014-1, not {_describe(value)}"
    if kind == "date":
        return None if _as_date(value) is not None else f"must be a date written YYYY-MM-DD, not {_describe(value)}"
    if kind == "bool":
        if isinstance(value, bool):
            return None
        return f"must be true or false (without quotes), not {_describe(value)}"
    if kind == "lang":
        return None if value in LANGS else f"must be ko or en, not {_describe(value)}"
    if kind == "path":
        return image_path_problem(value)
    if kind == "order":
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10_000:
            return None
        return f"must be a whole number from 1 (first in the issue), not {_describe(value)}"
    if kind == "type":
        names = pubtypes.NAMES + (pubtypes.ISSUE_PAGE, "page")
        return None if value in names else f"must be one of {', '.join(pubtypes.NAMES)}, not {_describe(value)}"
    if kind == "words":
        if isinstance(value, list) and all(isinstance(t, (str, int)) and not isinstance(t, bool) for t in value):
            return None
        return "must be a list of words, such as [CITYNET, Seoul]"
    if kind == "list":
        return None if isinstance(value, list) and all(isinstance(t, str) for t in value) else "must be a list of words"
    if kind == "icon":
        if isinstance(value, str) and ICON_RE.match(value):
            return None
        return f"must be an icon name such as material/book-open, not {_describe(value)}"
    if kind == "mapping":
        return None if isinstance(value, dict) else f"must be a mapping (key: value), not {_describe(value)}"
    if kind in PERSON_KEYS:
        items = value if isinstance(value, list) else [value]
        allowed = PERSON_KEYS[kind]
        for item in items:
            if isinstance(item, str) and item.strip() and kind == "people":
                continue
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
                return ("each entry needs a name (text, or a mapping with 'name:')" if kind == "people"
                        else "each entry needs a name and a direction, as in '- {name: 편집부, direction: en→ko}'")
            for k, v in item.items():
                if k not in allowed:
                    return f"entries have only {', '.join(allowed)}, not '{k}'"
                if not isinstance(v, str):
                    return f"'{k}' of each entry must be text, not {_describe(v)}"
            if kind == "translators" and not DIRECTION_RE.match(item.get("direction", "")):
                return f"each translator needs a direction like 'en→ko', not {_describe(item.get('direction'))}"
        return None
    return None


def validate(fm: FrontMatter, path: str = "<text>", *, require: bool = True) -> list[Problem]:
    """Check ``fm`` against the schema. ``require=False`` skips required fields
    (for site pages that are not publications); types are always checked."""
    data, lines = fm.data, fm.lines
    problems: list[Problem] = []

    def err(key: str, msg: str, code: str = "frontmatter-field") -> None:
        problems.append(Problem(path, lines.get(key, 1), code, f"front matter field '{key}': {msg}", "error"))

    ptype = data.get("type")
    row = pubtypes.get(ptype) if isinstance(ptype, str) else None
    if require or row is not None:
        for key in REQUIRED + (row.required if row and require else ()):
            if key not in data or data[key] in (None, "", []):
                extra = f" for {row.label('en')}s" if row and key in row.required else ""
                err(key, f"is required{extra} but missing or empty", "frontmatter-missing")
    for key, value in data.items():
        spec = FIELDS.get(key)
        if spec is None:
            known = ", ".join(k for k, f in FIELDS.items() if f.listed)
            problems.append(Problem(path, lines.get(key, 1), "frontmatter-unknown",
                                    f"front matter field '{key}' is not in the schema; it is kept but not used "
                                    f"(known fields: {known})", "warning"))
            continue
        if value is None or value == "" or value == []:
            continue  # empty: only a problem when required (above)
        why = _type_error(key, value, spec.kind)
        if why:
            err(key, why)
    return problems
