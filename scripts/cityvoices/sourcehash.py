"""Translation state: the fingerprint of a source text (``source_hash``).

A translation records, in its front matter, the hash of the source it was
brought up to date with; when the source changes, the hashes differ and the
translation is outdated.  The hash covers the translatable front matter
fields (title, summary) and the body, Unicode NFC, trailing spaces and runs
of blank lines ignored; other front matter (tags, dates, source_hash,
translators …) is left out, so bookkeeping edits do not mark a translation
outdated.  The front matter block is :func:`cityvoices.syntax.front_matter_block`.
Pure.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from cityvoices import frontmatter, syntax
from cityvoices.problems import CityVoicesError

HASH_PREFIX = "sha256:"
HASH_FIELDS = ("title", "summary")
FIELD = "source_hash"
_FIELD_LINE_RE = re.compile(rf"^{FIELD}[ \t]*:.*?(?=\r?\n|\r|\Z)", re.M)


def normalized_source(text: str) -> str:
    """What the source hash covers (see the module docstring)."""
    fm, _probs = frontmatter.parse(text)
    _raw, body, _span = frontmatter.split(text)
    parts = [f"{k}: {fm.data.get(k) or ''}" for k in HASH_FIELDS]
    body_lines = [ln.rstrip() for ln in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(body_lines)).strip("\n")
    return unicodedata.normalize("NFC", "\n".join(parts) + "\n\n" + body + "\n")


def source_hash(text: str) -> str:
    return HASH_PREFIX + hashlib.sha256(normalized_source(text).encode("utf-8")).hexdigest()[:16]


def set_source_hash(text: str, value: str, path: str = "<text>") -> str:
    """``text`` with its front matter field ``source_hash`` set to ``value``;
    every other byte unchanged (line endings as found).  Raises
    :class:`~cityvoices.problems.CityVoicesError` when there is no front
    matter to write into."""
    block = syntax.front_matter_block(text)
    if block is None:
        raise CityVoicesError(path, 1, "has no front matter ('---' block) to record source_hash in",
                              code="frontmatter-missing")
    head, body = text[: block.yaml_start], block.yaml
    nl = "\r\n" if head.endswith("\r\n") else ("\r" if head.endswith("\r") else "\n")
    line = f"{FIELD}: {value}"
    if _FIELD_LINE_RE.search(body):
        new_body = _FIELD_LINE_RE.sub(lambda _m: line, body, count=1)
    else:
        lines = body.splitlines(keepends=True)
        idx = len(lines)
        for k, ln in enumerate(lines):
            if re.match(r"^original[ \t]*:", ln):
                idx = k + 1
        if lines and idx == len(lines) and not (lines[-1].endswith("\n") or lines[-1].endswith("\r")):
            lines[-1] += nl
        lines.insert(idx, line + nl)
        new_body = "".join(lines)
    return text[: block.yaml_start] + new_body + text[block.yaml_end:]
