"""The bad inputs of issue 10 (and DEVELOPERS.md), as data.

A case is one bad input and what one command must do with it: the exit code
(0 clean, 1 findings, 2 errors; ``why`` says why that one), the messages it
must print (``path:line: severity: … [code]``, the path as pasted from the
repository root), and the files it may write (none, unless the command's job
is to write them).  ``test_bad_input.py`` runs them: the quick ones one by
one in process, the ones that need a site build grouped into as few builds as
possible (one fixture site holds every bad publication of a group).

Publications live in :data:`PUBS` (files under ``docs/``) and :data:`SETUP`
(symlinks, read-only folders: things a dict of texts cannot say); a case
names the publications it needs.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from test_build_input import PAGES

ISSUE = "cityvoices/2014-1"
FM = ("---\ntitle: {title}\ntype: article\ndate: 2014-01-15\nissue: 2014-1\n"
      "authors: [Brenna Foster]\n{extra}---\n\n{body}\n")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f5e1ab0000000049454e44ae426082")


def article(title: str = "시험", body: str = "본문.", extra: str = "") -> str:
    return FM.format(title=title, body=body, extra=extra)


def line_of(text: str | bytes, needle: str) -> int:
    """1-based line of the first line holding ``needle``."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    for i, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in the fixture")


def pair(slug: str, ko: str, en: str | None = None, *, section: str = ISSUE, **images: bytes) -> dict:
    """``index.ko.md`` + ``index.en.md`` (+ ``images/NAME``) of one publication."""
    out: dict[str, str | bytes] = {f"{section}/{slug}/index.ko.md": ko}
    if en is not None:
        out[f"{section}/{slug}/index.en.md"] = en
    for name, data in images.items():
        out[f"{section}/{slug}/images/{name.replace('_', '.')}"] = data
    return out


def src(slug: str, lang: str = "ko", section: str = ISSUE) -> str:
    """The source's path as an editor pastes it from the repository root."""
    return f"docs/{section}/{slug}/index.{lang}.md"


# -- the bad publications --------------------------------------------------------------------

#: The 371-byte YAML alias bomb of issue 10 (9^5 strings from 371 bytes).
BOMB = ('a: &a ["lolol","lolol","lolol","lolol","lolol","lolol","lolol","lolol","lolol"]\n'
        + "".join(f"{n}: &{n} [{','.join('*' + p for _ in range(9))}]\n" for p, n in zip("abcdefg", "bcdefgh"))
        + "summary: [" + ", ".join("*h" for _ in range(9)) + "]\n")
DEEP_LIST = "\n".join("    " * i + f"- level {i}" for i in range(300))
NESTED_CAPTION = ("| a | b |\n|---|---|\n| 1 | 2 |\n\n/// table-caption\nOuter text\n"
                  "/// figure-caption\nInner\n///\n///\n")
HOUSE_NOTE = "본문에 각주가 있습니다.[^1]\n\n[^1]: 각주."
RAW_NOTE = "본문에 각주가 있습니다.¹\n\n¹ 각주."

PUBS: dict[str, dict[str, str | bytes]] = {
    # front matter (issue 10, "Wrong input accepted without a word"; DEVELOPERS.md "malformed front matter")
    "fm-duplicate": pair("fm-duplicate", article(extra="title: 또\n"), article("T", "Body.", "title: again\n")),
    "fm-issue-list": pair("fm-issue-list", article().replace("issue: 2014-1", "issue: [2014, 1]"),
                          article("T", "Body.")),
    "fm-summary-map": pair("fm-summary-map", article(extra="summary: {x: 1}\n"), article("T", "Body.")),
    "fm-sample-text": pair("fm-sample-text", article(extra='sample: "false"\n'), article("T", "Body.")),
    "fm-alias-bomb": pair("fm-alias-bomb", article(extra=BOMB), article("T", "Body.")),
    "fm-unclosed": pair("fm-unclosed", article(body="# 제목\n\n본문.").replace("---\n\n# 제목", "\n# 제목"),
                        article("T", "# Title\n\nBody.")),
    "fm-yaml": pair("fm-yaml", article(extra="tags: [unclosed\n"), article("T", "Body.")),
    "fm-required": pair("fm-required", article().replace("date: 2014-01-15\n", ""), article("T", "Body.")),
    "fm-date": pair("fm-date", article().replace("2014-01-15", "15/01/2014"), article("T", "Body.")),
    "fm-deep": pair("fm-deep", article(extra="tags: " + "[" * 300 + "]" * 300 + "\n"), article("T", "Body.")),
    "fm-authors-map": pair("fm-authors-map", article().replace("[Brenna Foster]", "[[Brenna, Foster]]"),
                           article("T", "Body.")),
    "fm-no-opening": pair("fm-no-opening", article().replace("---\n", "", 1), article("T", "Body.")),
    "fm-icon-path": pair("fm-icon-path", article(extra="icon: ../../../../etc/passwd\n"), article("T", "Body.")),
    "fm-unknown-field": pair("fm-unknown-field", article(extra="photographer: Kim\n"), article("T", "Body.")),
    # characters and encodings
    "nul": pair("nul", article(body="본문\x00입니다."), article("T", "Body.")),
    "cp949": pair("cp949", article(body="본문입니다.").encode("cp949"), article("T", "Body.")),
    "utf16": pair("utf16", article(body="본문입니다.").encode("utf-16"), article("T", "Body.")),
    "deep-list": pair("deep-list", article(body=DEEP_LIST), article("T", "Body.")),
    "bom-crlf": pair("bom-crlf", codecs.BOM_UTF8 + article(body=HOUSE_NOTE).replace("\n", "\r\n").encode(),
                     article("T", "Body has a note.[^1]\n\n[^1]: A note.")),
    "raw-note": pair("raw-note", article(body=RAW_NOTE), article("T", "Body has a note.[^1]\n\n[^1]: A note.")),
    "broken-notes": pair("broken-notes", article(body="본문[^1]과 본문[^2].\n\n[^1]: 하나.\n[^3]: 셋."),
                         article("T", "Text[^1].\n\n[^1]: One.")),
    # captions (issue 10, "Content rearranged silently"; "Structure errors")
    "orphan-figure-caption": pair("orphan-figure-caption", article(body="문단입니다.\n\n/// figure-caption\n고아\n///"),
                                  article("T", "A paragraph.\n\n/// figure-caption\nOrphan\n///")),
    "orphan-table-caption": pair(
        "orphan-table-caption",
        article(body="![그림](images/a.png)\n\n/// figure-caption\n그림\n///\n\n/// table-caption\n고아 표\n///"),
        article("T", "![Fig](images/a.png)\n\n/// figure-caption\nFig\n///\n\n/// table-caption\nOrphan\n///"),
        a_png=PNG),
    "nested-caption": pair("nested-caption", article(body=NESTED_CAPTION), article("T", NESTED_CAPTION)),
    "caption-alone": pair("caption-alone", article(body="/// figure-caption\n그림 없음\n///\n\n본문."),
                          article("T", "/// figure-caption\nNo figure\n///\n\nBody.")),
    "caption-one-language": pair(
        "caption-one-language", article(body="![그림](images/a.png)\n\n/// figure-caption\n회의장\n///"),
        article("T", "![Hall](images/a.png)"), a_png=PNG),
    # files
    "unpaired": pair("unpaired", article()),
    "unknown-suffix": {f"{ISSUE}/unknown-suffix/index.kr.md": article(),
                       f"{ISSUE}/unknown-suffix/index.en.md": article("T", "Body.")},
    "upper-suffix": {f"{ISSUE}/upper-suffix/index.ko.md": article(),
                     f"{ISSUE}/upper-suffix/index.EN.md": article("T", "Body.")},
    "unreadable": pair("unreadable", article()),  # + SETUP: index.en.md is a dangling link
    "fifo": pair("fifo", article()),  # + SETUP: index.en.md is a named pipe (reading it would block)
    "symlink-image": pair("symlink-image", article(), article("T", "Body.")),  # + SETUP
    "symlink-folder": {},  # SETUP: a folder linked in from outside docs/
    "symlink-md": pair("symlink-md", article(body=RAW_NOTE)),  # + SETUP: index.en.md -> ../raw-note copy
    # images and attachments that must not reach a PDF
    "missing-image": pair("missing-image", article(body="![그림](images/missing.png)"), article("T", "Body.")),
    "attachment": pair("attachment", article(body='첨부 <a rel="attachment" href="file:///etc/hostname">파일</a>.'),
                       article("T", "Body.")),
    "image-absolute": pair("image-absolute", article(body="![그림](/etc/outside.png)"), article("T", "Body.")),
    "image-dotdot": pair("image-dotdot", article(body="![그림](../../../../outside.png)"), article("T", "Body.")),
    "image-file-url": pair("image-file-url", article(body="![그림](file:///etc/outside.png)"), article("T", "Body.")),
    # the wrong PDF behind a link: Hangul folder names that differ only in Hangul
    "hangul-twins": {
        **pair("서울소식", FM.replace("article", "newsletter").replace("issue: 2014-1\n", "").format(
            title="서울 소식", body="서울의 소식입니다.", extra="").replace("2014-01-15", "2013-12-02"),
            FM.replace("article", "newsletter").replace("issue: 2014-1\n", "").format(
            title="Seoul news", body="News from Seoul.", extra="").replace("2014-01-15", "2013-12-02"),
            section="newsletters/2013-12"),
        **pair("부산소식", FM.replace("article", "newsletter").replace("issue: 2014-1\n", "").format(
            title="부산 소식", body="부산의 소식입니다.", extra="").replace("2014-01-15", "2013-12-03"),
            FM.replace("article", "newsletter").replace("issue: 2014-1\n", "").format(
            title="Busan news", body="News from Busan.", extra="").replace("2014-01-15", "2013-12-03"),
            section="newsletters/2013-12"),
    },
}

#: Hostile front matter values (issue 10, "Stored XSS"); each calls alert(n) if it ever runs.
XSS = {
    "xss-title-script": ("title", "<script>alert(1)</script>"),
    "xss-title-attribute": ("title", '"><img src=x onerror=alert(2)>'),
    "xss-description": ("description", '"><svg onload=alert(3)>'),
    "xss-authors": ("authors", ["</title><script>alert(4)</script>", "'><img src=x onerror=alert(5)>"]),
    "xss-tags": ("tags", ["<script>alert(6)</script>", "{{ 7*7 }}<b onmouseover=alert(7)>x</b>"]),
    "xss-summary": ("summary", "</script><script>alert(8)</script>"),
}


def _yaml(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # JSON is YAML: every value one quoted string


def xss_pub(case: str) -> dict:
    key, value = XSS[case]
    def text(lang: str) -> str:
        fields = {"title": f"XSS {case}", "authors": ["Brenna Foster"]}
        fields[key] = value
        extra = "".join(f"{k}: {_yaml(v)}\n" for k, v in fields.items() if k not in ("title", "authors"))
        t = _yaml(fields["title"])
        return (f"---\ntitle: {t}\ntype: article\ndate: 2014-01-15\nissue: 2014-1\n"
                f"authors: {_yaml(fields['authors'])}\n{extra}---\n\nBerkowitz {lang} 폐기물관리 {case}.\n")
    return pair(case, text("ko"), text("en"))


for _case in XSS:
    PUBS[_case] = xss_pub(_case)
#: A page in the nav with a hostile front matter title and status: nav, tabs
#: and the footer print the nav's own title; header and <title> escape it;
#: Material's nav prints its status (a class name) on every page, escaped.
#: (The readers' tabs are the nav: the reports listing is one of them.)
PUBS["xss-nav-page"] = {"reports/index.ko.md": "---\ntitle: '<script>alert(9)</script>'\ntype: page\nlisting: report\n"
                                               "status: '\"><script>alert(11)</script>'\n---\n\n본문.\n",
                        "reports/index.en.md": "---\ntitle: '<img src=x onerror=alert(10)>'\ntype: page\n"
                                               "listing: report\n---\n\nText.\n"}


def _dangling(root: Path, outside: Path) -> None:
    (root / "docs" / ISSUE / "unreadable" / "index.en.md").symlink_to("missing.md")


def _symlink_image(root: Path, outside: Path) -> None:
    images = root / "docs" / ISSUE / "symlink-image" / "images"
    images.mkdir(parents=True, exist_ok=True)
    (images / "x.txt").symlink_to("/etc/passwd")


def _symlink_folder(root: Path, outside: Path) -> None:
    (outside / "linked").mkdir(parents=True, exist_ok=True)
    (outside / "linked" / "index.ko.md").write_text(article("밖", "밖의 글."), encoding="utf-8")
    (root / "docs" / ISSUE).mkdir(parents=True, exist_ok=True)
    (root / "docs" / ISSUE / "symlink-folder").symlink_to(outside / "linked", target_is_directory=True)


def _symlink_md(root: Path, outside: Path) -> None:
    folder = root / "docs" / ISSUE / "symlink-md"
    (folder / "en.md").write_text(article("T", "Body has a note.¹\n\n¹ A note."), encoding="utf-8")
    (folder / "index.en.md").symlink_to("en.md")


def _outside_images(root: Path, outside: Path) -> None:
    (root / "outside.png").write_bytes(PNG)


def _fifo(root: Path, outside: Path) -> None:
    os.mkfifo(root / "docs" / ISSUE / "fifo" / "index.en.md")


SETUP: dict[str, Callable[[Path, Path], None]] = {
    "fifo": _fifo,
    "unreadable": _dangling, "symlink-image": _symlink_image, "symlink-folder": _symlink_folder,
    "symlink-md": _symlink_md, "image-dotdot": _outside_images,
}


def make_docs(pubs: list[str] | tuple[str, ...]) -> dict[str, str | bytes]:
    docs: dict[str, str | bytes] = dict(PAGES)
    for name in pubs:
        docs.update(PUBS[name])
    return docs


def setup(root: Path, outside: Path, pubs) -> None:
    for name in pubs:
        if name in SETUP:
            SETUP[name](root, outside)


# -- the cases -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Msg:
    """A message that must be printed: ``path[:line]: severity: … [code]``
    (``line`` 0: the file as a whole, no line in the message), optionally
    holding ``text``."""

    path: str
    line: int
    severity: str
    code: str
    text: str = ""


@dataclass(frozen=True)
class Case:
    id: str
    bullet: str                 # the bullet of issue 10 / DEVELOPERS.md it covers
    why: str                    # what must happen, and why this exit code
    exit: int
    messages: tuple[Msg, ...] = ()
    pubs: tuple[str, ...] = ()  # publications of PUBS in the fixture
    argv: tuple[str, ...] = ()  # the command (quick cases); {root} {outside} {docs} are filled in
    #: files the command is meant to write (relative to the project); everything else must stay
    writes: tuple[str, ...] = ()
    #: more set-up (relative folders to create, chmod ...): fn(root, outside)
    prepare: Callable[[Path, Path], None] | None = None
    check: Callable[..., None] | None = None  # extra assertions: fn(root, outside, out)
    cwd: str = ""               # where the command runs, relative to the project (default: its root)
    marks: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return self.id


def E(path, line, code, text=""):  # noqa: N802 - short names keep the table readable
    return Msg(path, line, "error", code, text)


def W(path, line, code, text=""):  # noqa: N802
    return Msg(path, line, "warning", code, text)


def I(path, line, code, text=""):  # noqa: N802, E743
    return Msg(path, line, "info", code, text)


def _ko(name: str) -> str | bytes:
    return PUBS[name][f"{ISSUE}/{name}/index.ko.md"]


def _en(name: str) -> str | bytes:
    return PUBS[name][f"{ISSUE}/{name}/index.en.md"]


#: Front matter and text errors: one message per file, with its line; the
#: same rule in ``check`` and in the build.  (publication, ko line, en line, code)
FRONT_MATTER_ERRORS = [
    ("fm-duplicate", "duplicate YAML keys", line_of(_ko("fm-duplicate"), "또"),
     line_of(_en("fm-duplicate"), "again"), "frontmatter-duplicate"),
    ("fm-issue-list", "issue: [2014, 1]", 5, None, "frontmatter-field"),
    ("fm-summary-map", "summary: {x: 1}", 7, None, "frontmatter-field"),
    ("fm-sample-text", 'sample: "false"', 7, None, "frontmatter-field"),
    ("fm-alias-bomb", "the 371-byte alias bomb", 7, None, "frontmatter-alias"),
    ("fm-unclosed", "forgotten closing ---", 1, None, "frontmatter-unclosed"),
    ("fm-yaml", "malformed front matter (YAML)", 8, None, "frontmatter-yaml"),
    ("fm-required", "malformed front matter (required field)", 1, None, "frontmatter-missing"),
    ("fm-date", "malformed front matter (date)", 4, None, "frontmatter-field"),
    ("fm-deep", "a list nested 300 deep (YAML)", 7, None, "frontmatter-depth"),
    ("fm-authors-map", "malformed front matter (authors)", 6, None, "frontmatter-field"),
    ("fm-no-opening", "forgotten opening ---", 1, None, "frontmatter-unopened"),
    ("fm-icon-path", "theme partials: Material's icon include", 7, None, "frontmatter-field"),
    ("nul", "NUL bytes", 9, None, "nul-byte"),
    ("cp949", "undecodable text (CP949)", 2, None, "encoding"),
    ("utf16", "undecodable text (UTF-16)", 1, None, "encoding"),
    ("deep-list", "a list nested 300 deep (Markdown)", line_of(_ko("deep-list"), "- level 50"), None, "too-deep"),
]
#: Files the build never reads, and check names: (publication, bullet, why, path, code in the build).
FILE_ERRORS = [
    ("fifo", "an unreadable file in build and in check", "a named pipe called index.en.md is never opened",
     src("fifo", "en"), "unreadable"),
    ("symlink-image", "symlink images/x.txt -> /etc/passwd", "nothing outside docs/ is read",
     f"docs/{ISSUE}/symlink-image/images/x.txt", "symlink-outside"),
    ("symlink-folder", "a symlinked publication folder from outside docs", "never skipped in silence, never "
     "published unvalidated", f"docs/{ISSUE}/symlink-folder", "symlink-outside"),
]

# more publications the tables below need
PUBS["bom-crlf-raw"] = pair("bom-crlf-raw", codecs.BOM_UTF8 + article(body=RAW_NOTE).replace("\n", "\r\n").encode(),
                            article("T", "Body has a note.[^1]\n\n[^1]: A note."))
PUBS["locked"] = pair("locked", article(body=RAW_NOTE), article("T", "Body has a note.[^1]\n\n[^1]: A note."))
PUBS["link-outside"] = {}  # SETUP: index.ko.md is a link to a file outside docs/


def _link_outside(root: Path, outside: Path) -> None:
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.md").write_text(article(body=RAW_NOTE), encoding="utf-8")
    folder = root / "docs" / ISSUE / "link-outside"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.ko.md").symlink_to(outside / "secret.md")


SETUP["link-outside"] = _link_outside


def _read_only(rel: str) -> Callable[[Path, Path], None]:
    def make(root: Path, outside: Path) -> None:
        os.chmod(root / rel, 0o555 if (root / rel).is_dir() else 0o444)
    return make


def _house(root: Path, rel: str) -> None:
    text = (root / rel).read_bytes()
    assert b"[^1]" in text and "¹".encode() not in text, text


CLEAN_PUBS = ("bom-crlf",)

#: ``check`` (in process, on ``docs``): 0 clean, 1 findings (divergences,
#: missing translations, warnings), 2 when any message is an error (the file
#: could not be checked, or would stop the build).
CHECK: list[Case] = [
    Case("check-clean", "BOM/CRLF kept", "a clean pair (BOM and CRLF in Korean) checks clean: exit 0, no message",
         0, (), CLEAN_PUBS),
    *[Case(f"check-{pub}", bullet, "an error the build would stop on: exit 2, naming file and line", 2,
           (E(src(pub), ko, code),) + ((E(src(pub, "en"), en, code),) if en else ()), (pub,))
      for pub, bullet, ko, en, code in FRONT_MATTER_ERRORS],
    Case("check-unreadable", "an unreadable file in check",
         "the English file is a dangling link: an error of that publication (exit 2), the others still checked",
         2, (E(src("unreadable", "en"), 0, "io"),), ("unreadable", "bom-crlf")),
    *[Case(f"check-{pub}", bullet, f"{why}: an error in check too (exit 2), the others still checked", 2,
           (E(path, 0, "io" if code == "unreadable" else code),), (pub,))
      for pub, bullet, why, path, code in FILE_ERRORS],
    Case("check-unknown-suffix", "index.kr.md", "never published: a warning (exit 1) naming the file", 1,
         (W(f"docs/{ISSUE}/unknown-suffix/index.kr.md", 0, "lang-suffix-unknown"),), ("unknown-suffix",)),
    Case("check-upper-suffix", "other unknown suffixes (index.EN.md)", "a warning (exit 1) naming the file", 1,
         (W(f"docs/{ISSUE}/upper-suffix/index.EN.md", 0, "lang-suffix-unknown"),), ("upper-suffix",)),
    Case("check-unpaired", "unpaired files", "a missing translation is a finding of check (exit 1)", 1,
         (I(src("unpaired"), 0, "translation-missing"),), ("unpaired",)),
    Case("check-orphan-figure-caption", "orphan /// figure-caption", "a finding (exit 1) at the caption's line", 1,
         (W(src("orphan-figure-caption"), line_of(_ko("orphan-figure-caption"), "///"), "caption-block-orphan"),),
         ("orphan-figure-caption",)),
    Case("check-orphan-table-caption", "orphan /// table-caption", "a finding (exit 1) at the caption's line", 1,
         (W(src("orphan-table-caption"), line_of(_ko("orphan-table-caption"), "table-caption"),
            "caption-block-orphan"),), ("orphan-table-caption",)),
    Case("check-nested-caption", "nested caption", "a finding (exit 1) at the inner block's line", 1,
         (W(src("nested-caption"), line_of(NESTED_CAPTION, "/// figure") + 8, "caption-block-nested"),),
         ("nested-caption",)),
    Case("check-caption-alone", "caption with no figure/table", "a finding (exit 1) at the caption's line", 1,
         (W(src("caption-alone"), 9, "caption-block-orphan"),), ("caption-alone",)),
    Case("check-caption-one-language", "image captioned in one language only",
         "a divergence (exit 1) at the uncaptioned image, naming the other file", 1,
         (W(src("caption-one-language", "en"), 9, "pair-caption", f"({src('caption-one-language')}:9)"),),
         ("caption-one-language",)),
    Case("check-broken-notes", "broken notes", "a note missing in one language: a divergence (exit 1)", 1,
         (W(src("broken-notes", "en"), 9, "pair-footnote", "[^2]"),), ("broken-notes",)),
    Case("check-unknown-field", "unknown fields warn", "a warning (exit 1) at the field's line", 1,
         (W(src("fm-unknown-field"), 7, "frontmatter-unknown"),), ("fm-unknown-field",)),
    Case("check-nope", "paths in messages", "a path that does not exist: exit 2 naming it", 2,
         (E("docs/nope", 0, "path"),), (), ("check", "docs/nope")),
]

#: ``normalize`` (in process): 0 clean or fixed, 1 findings (--check would
#: change, or something it cannot fix), 2 errors (a file it cannot read or write).
NORMALIZE: list[Case] = [
    *[Case(f"normalize-check-{pub}", bullet, "a structure finding normalize cannot fix: exit 1 at the line", 1,
           (W(src(pub), line, code),), (pub,), ("normalize", "--check", f"docs/{ISSUE}/{pub}"))
      for pub, bullet, line, code in [
          ("orphan-figure-caption", "orphan /// figure-caption", line_of(_ko("orphan-figure-caption"), "///"),
           "caption-block-orphan"),
          ("orphan-table-caption", "orphan /// table-caption", line_of(_ko("orphan-table-caption"), "table-caption"),
           "caption-block-orphan"),
          ("nested-caption", "nested caption", line_of(NESTED_CAPTION, "/// figure") + 8, "caption-block-nested"),
          ("caption-alone", "caption with no figure/table", 9, "caption-block-orphan"),
          ("broken-notes", "broken notes", line_of(_ko("broken-notes"), "[^2]"), "footnote-undefined"),
      ]],
    *[Case(f"normalize-{pub}", bullet, "a file normalize cannot read safely: exit 2, left byte for byte", 2,
           (E(src(pub), line, code),), (pub,), ("normalize", f"docs/{ISSUE}/{pub}"))
      for pub, bullet, line, code in [
          ("cp949", "undecodable text (CP949)", 2, "encoding"), ("utf16", "undecodable text (UTF-16)", 1, "encoding"),
          ("nul", "NUL bytes", 9, "nul-byte"),
          ("deep-list", "a list nested 300 deep", line_of(_ko("deep-list"), "- level 50"), "too-deep"),
      ]],
    Case("normalize-check-clean", "BOM/CRLF kept", "a file in house layout with BOM and CRLF: exit 0, unchanged",
         0, (), ("bom-crlf",), ("normalize", "--check", f"docs/{ISSUE}/bom-crlf")),
    Case("normalize-bom-crlf", "BOM/CRLF kept", "pasted notes rewritten (exit 0); BOM and CRLF kept", 0, (),
         ("bom-crlf-raw",), ("normalize", f"docs/{ISSUE}/bom-crlf-raw"),
         writes=(src("bom-crlf-raw"),),
         check=lambda root, outside, out: _bom_crlf(root / src("bom-crlf-raw"))),
    Case("normalize-read-only-file", "normalize on a read-only file", "reported, not rewritten: exit 2", 2,
         (E(src("raw-note"), 0, "read-only"),), ("raw-note",), ("normalize", src("raw-note")),
         prepare=_read_only(src("raw-note"))),
    Case("normalize-read-only-folder", "a read-only folder inside a normalize batch",
         "the batch goes on past it, rewrites the others and ends with its summary: exit 2", 2,
         (E(src("locked"), 0, "read-only"),), ("raw-note", "locked"), ("normalize", f"docs/{ISSUE}"),
         writes=(src("raw-note"),), prepare=_read_only(f"docs/{ISSUE}/locked"),
         check=lambda root, outside, out: (_house(root, src("raw-note")),
                                           _summary(out, "file(s) checked, 1 rewritten, 1 problem(s)"))),
    Case("normalize-symlinked-md", "normalize on a symlinked .md",
         "written through to its target inside the folder; the link stays a link: exit 0", 0, (),
         ("symlink-md",), ("normalize", f"docs/{ISSUE}/symlink-md"),
         writes=(f"docs/{ISSUE}/symlink-md/en.md", src("symlink-md")),
         check=lambda root, outside, out: (_house(root, f"docs/{ISSUE}/symlink-md/en.md"),
                                           _is_link(root / src("symlink-md", "en")))),
    Case("normalize-link-outside", "normalize on a symlinked .md", "a link to a file outside the folder is "
         "refused, the file outside untouched: exit 2", 2, (E(src("link-outside"), 0, "symlink-outside"),),
         ("link-outside",), ("normalize", f"docs/{ISSUE}")),
    Case("normalize-symlink-folder", "a symlinked publication folder from outside docs",
         "not followed and not skipped in silence: exit 2 naming it", 2,
         (E(f"docs/{ISSUE}/symlink-folder", 0, "symlink-outside"),), ("symlink-folder",),
         ("normalize", "--check", "docs")),
    Case("normalize-unreadable", "an unreadable file", "a dangling link in a batch: exit 2, the batch goes on", 2,
         (E(src("unreadable", "en"), 0, "io"),), ("unreadable", "raw-note"), ("normalize", f"docs/{ISSUE}"),
         writes=(src("raw-note"),)),
    Case("normalize-fifo", "an unreadable file", "a named pipe in a batch: exit 2, never opened, the batch goes on",
         2, (E(src("fifo", "en"), 0, "io"),), ("fifo", "raw-note"), ("normalize", f"docs/{ISSUE}"),
         writes=(src("raw-note"),)),
    Case("normalize-nope", "paths in messages", "a path that does not exist: exit 2 naming it", 2,
         (E("docs/nope", 0, "not-found"),), (), ("normalize", "docs/nope")),
]


def _bom_crlf(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), data
    assert b"[^1]" in data


def _summary(out: str, text: str) -> None:
    assert out.rstrip().splitlines()[-1].endswith(text), out


def _is_link(path: Path) -> None:
    assert path.is_symlink(), path


NEW = ("new", "article", "x", "--title-ko", "가", "--title-en", "A", "--author", "A")
IMPORT = ("import", "{outside}/source.txt", "article")


def _source(text: str | bytes, name: str = "source.txt") -> Callable[[Path, Path], None]:
    def make(root: Path, outside: Path) -> None:
        outside.mkdir(parents=True, exist_ok=True)
        (outside / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return make


BILINGUAL = "서울 소식입니다.[1]\n\nNews from Seoul.\n\n[1] 주석입니다.\n"


def _nothing_beside(rel: str) -> Callable[..., None]:
    """Nothing at ``rel`` in the project's parent folder (where a traversal
    out of docs/cityvoices/ by ``../../../`` would land; no test writes or
    looks outside its own temporary folder)."""
    def check(root: Path, outside: Path, out: str) -> None:
        assert not os.path.lexists(root.parent / rel), root.parent / rel
    return check


#: ``new`` and ``import`` (in process): every user-given path component goes
#: through urls.safe_component; messages name the file when there is one
#: (``cityvoices new: error: …`` only for arguments, where no file is involved).
SCAFFOLD: list[Case] = [
    Case("new-issue-traversal", "new --issue ../../../../tmp/x", "refused before anything is written: exit 2",
         2, (E("cityvoices new", 0, "new-input", "--issue"),), (), NEW + ("--issue", "../../../x"),
         check=_nothing_beside("x/x")),
    Case("new-event-traversal", "new --event ../x", "refused: exit 2", 2,
         (E("cityvoices new", 0, "new-input", "--event"),), (),
         ("new", "report", "x", "--title-ko", "가", "--title-en", "A", "--author", "A", "--event", "../x")),
    Case("new-slug-traversal", "new slug ../x", "refused: exit 2", 2, (E("cityvoices new", 0, "new-input", "slug"),),
         (), ("new", "article", "../x", "--title-ko", "가", "--title-en", "A", "--author", "A", "--issue", "2014-1")),
    Case("new-slug-hangul-space", "new slug with spaces", "not a folder name of the URL scheme: exit 2", 2,
         (E("cityvoices new", 0, "new-input", "slug"),), (),
         ("new", "article", "서울 소식", "--title-ko", "가", "--title-en", "A", "--author", "A", "--issue", "2014-1")),
    Case("new-issue-hidden", "new --issue .git", "a hidden folder is refused: exit 2", 2,
         (E("cityvoices new", 0, "new-input", "--issue"),), (), NEW + ("--issue", ".git")),
    Case("new-exists", "new never overwrites", "the file exists: exit 2, naming it, nothing written", 2,
         (E(src("unpaired"), 0, "exists"),), ("unpaired",),
         ("new", "article", "unpaired", "--title-ko", "가", "--title-en", "A", "--author", "A", "--issue", "2014-1")),
    Case("new-no-docs", "paths in messages", "run from a folder with no docs/ (here docs/cityvoices): exit 2, "
         "no stray docs/ tree created", 2, (E("docs", 0, "new-docs"),), (), NEW + ("--issue", "2014-1"),
         cwd="docs/cityvoices"),
    Case("import-issue-traversal", "import --issue ../../../../tmp/x", "refused before anything is read: exit 2",
         2, (E("cityvoices import", 0, "path", "--issue"),), (), IMPORT + ("x", "--issue", "../../../x"),
         prepare=_source(BILINGUAL), check=_nothing_beside("x/x")),
    Case("import-event-traversal", "import --event ../x", "refused: exit 2", 2,
         (E("cityvoices import", 0, "path", "--event"),), (),
         ("import", "{outside}/source.txt", "report", "x", "--event", "../x"), prepare=_source(BILINGUAL)),
    Case("import-slug-traversal", "import slug ../x", "refused: exit 2", 2,
         (E("cityvoices import", 0, "path", "slug"),), (), IMPORT + ("../x", "--issue", "2014-1"),
         prepare=_source(BILINGUAL)),
    Case("import-exists", "import never overwrites", "the file exists: exit 2, naming it, nothing written", 2,
         (E(src("unpaired"), 0, "import-exists"),), ("unpaired",), IMPORT + ("unpaired", "--issue", "2014-1"),
         prepare=_source(BILINGUAL)),
    Case("import-findings-paths", "importer findings name docs/…",
         "the draft is written; its findings (a note in one language) are warnings: exit 1, paths from the root",
         1, (W(src("imp", "en"), 0, "import-check", "docs/cityvoices/2014-1/imp/index.ko.md:"),), (),
         IMPORT + ("imp", "--issue", "2014-1", "--date", "2014-01-15"), prepare=_source(BILINGUAL),
         writes=(src("imp"), src("imp", "en"), f"docs/{ISSUE}/imp/import-report.md")),
    Case("import-source-missing", "an unreadable file", "the source cannot be read: exit 2 naming it", 2,
         (E("{outside}/nope.docx", 0, "import-read"),), (),
         ("import", "{outside}/nope.docx", "article", "x", "--issue", "2014-1")),
    Case("import-source-fifo", "an unreadable file", "a named pipe as the source: exit 2 naming it, never opened",
         2, (E("{outside}/source.txt", 0, "import-read"),), (), IMPORT + ("x", "--issue", "2014-1"),
         prepare=lambda root, outside: os.mkfifo(outside / "source.txt")),
    Case("import-source-cp949", "undecodable text (CP949)", "a CP949 text source: exit 2 naming file and line", 2,
         (E("{outside}/source.txt", 1, "encoding", "CP949"),), (), IMPORT + ("x", "--issue", "2014-1"),
         prepare=_source("서울 소식입니다.\n\nNews.\n".encode("cp949"))),
]


def _gh_pages(rel: str, marker: bool = False) -> Callable[[Path, Path], None]:
    def make(root: Path, outside: Path) -> None:
        d = root / rel
        (d / ".git").mkdir(parents=True, exist_ok=True)
        (d / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
        (d / ".nojekyll").write_text("")
        (d / "index.html").write_text("the deployed site")
        if marker:
            (d / ".cityvoices-output").write_text("")
    return make


def _stray(rel: str) -> Callable[[Path, Path], None]:
    def make(root: Path, outside: Path) -> None:
        (root / rel).mkdir(parents=True, exist_ok=True)
        (root / rel / "notes.txt").write_text("mine")
    return make


#: Output folders (in process; each command refuses before it builds or writes).
OUTPUT: list[Case] = [
    Case("offline-dir-docs", "offline --dir docs", "the folder holds sources: refused, exit 2, docs/ intact", 2,
         (E("docs", 0, "output-not-ours"),), ("bom-crlf",), ("offline", "--dir", "docs")),
    Case("offline-dir-root", "offline --dir docs", "the project root holds docs/: refused, exit 2", 2,
         (E(".", 0, "output-not-ours"),), ("bom-crlf",), ("offline", "--dir", ".")),
    Case("offline-o-source", "offline --dir docs", "-o onto a source file: refused, exit 2", 2,
         (E(src("bom-crlf"), 0, "output-not-ours"),), ("bom-crlf",), ("offline", "-o", src("bom-crlf"))),
    Case("build-d-gh-pages", "build -d DIR with .git/.nojekyll",
         "a folder we did not write (no marker): refused, exit 2, .git and .nojekyll intact", 2,
         (E("site", 0, "output-not-ours", ".cityvoices-output"),), ("bom-crlf",), ("build", "-d", "site"),
         prepare=_gh_pages("site")),
    Case("build-d-docs", "build -d DIR with .git/.nojekyll", "the docs folder: refused by MkDocs' own check "
         "of the configuration, which names mkdocs.yml: exit 2", 2,
         (E("mkdocs.yml", 0, "config", "site_dir"),), ("bom-crlf",), ("build", "-d", "docs")),
    Case("pdf-o-docs", "pdf -o", "the docs folder: refused, exit 2", 2,
         (E("docs", 0, "output-not-ours"),), ("bom-crlf",), ("pdf", "-o", "docs")),
    Case("pdf-o-stray", "pdf -o", "a folder with a file we did not write: refused, exit 2", 2,
         (E("out", 0, "output-not-ours", "notes.txt"),), ("bom-crlf",), ("pdf", "-o", "out"),
         prepare=_stray("out")),
    Case("pdf-path-nope", "cityvoices pdf docs/nope", "matches no publication: exit 2 naming it", 2,
         (E("docs/nope", 0, "pdf-path"),), ("bom-crlf",), ("pdf", "-o", "out", "docs/nope")),
    Case("pdf-path-outside", "cityvoices pdf docs/nope", "a path outside docs/: exit 2 naming it", 2,
         (E("/etc", 0, "pdf-path"),), ("bom-crlf",), ("pdf", "-o", "out", "/etc")),
    Case("bench-workdir-missing", "bench build --workdir missing", "a message, not a traceback: exit 2", 2,
         (E("nope", 0, "bench-args"),), (), ("bench", "build", "--workdir", "nope")),
]

QUICK: list[Case] = CHECK + NORMALIZE + SCAFFOLD + OUTPUT


# -- cases that need a site build: one build per group ----------------------------------------

@dataclass(frozen=True)
class Group:
    """One fixture site holding every publication of its cases, built once."""

    name: str
    exit: int                   # the build's exit code: every case of the group gives the same
    why: str
    features: dict = field(default_factory=dict)
    serial: bool = False
    strict: bool = False


G_ERRORS = Group("errors", 2, "a source the build refuses: nothing is built, the old site (a marked "
                 "gh-pages worktree) stays byte for byte; every problem is listed in one run", serial=True)
G_FINDINGS = Group("findings", 0, "warnings are findings: the site is built (exit 0; --strict would "
                   "refuse)", features={"pdf": False, "offline": True})
G_HOSTILE = Group("hostile", 0, "hostile values and colliding names: the site and its PDFs are built (exit 0), "
                  "every value is text", features={"pdf": True, "offline": False})
G_PDF = Group("pdf-failures", 2, "the site is built, but a PDF could not be made: exit 2, and no page links "
              "to a PDF that does not exist", features={"pdf": True})

#: (case, group): build cases.  A case's ``pubs`` are part of its group's site.
ERRORS: list[Case] = [
    *[Case(f"build-{pub}", bullet, "an error: the build stops (exit 2) naming file and line", 2,
           (E(src(pub), ko, code),) + ((E(src(pub, "en"), en, code),) if en else ()), (pub,))
      for pub, bullet, ko, en, code in FRONT_MATTER_ERRORS],
    Case("build-unreadable", "an unreadable file in build", "a dangling link: exit 2 naming it, no traceback", 2,
         (E(src("unreadable", "en"), 0, "unreadable"),), ("unreadable",)),
    *[Case(f"build-{pub}", bullet, f"{why}: the build stops before anything is copied (exit 2)", 2,
           (E(path, 0, code),), (pub,)) for pub, bullet, why, path, code in FILE_ERRORS],
]
FINDINGS: list[Case] = [
    *[Case(f"build-{pub}", bullet, "a structure finding: a warning at the line (exit 0; --strict: 2)", 0,
           (W(src(pub, lang), line, code, text),), (pub,))
      for pub, bullet, lang, line, code, text in [
          ("orphan-figure-caption", "orphan /// figure-caption", "ko",
           line_of(_ko("orphan-figure-caption"), "///"), "caption-block-orphan", "paragraph"),
          ("orphan-table-caption", "orphan /// table-caption", "ko",
           line_of(_ko("orphan-table-caption"), "table-caption"), "caption-block-orphan", ""),
          ("nested-caption", "nested caption", "ko", line_of(NESTED_CAPTION, "/// figure") + 8,
           "caption-block-nested", ""),
          ("caption-alone", "caption with no figure/table", "ko", 9, "caption-block-orphan", ""),
          ("caption-one-language", "image captioned in one language only", "en", 9, "pair-caption",
           f"({src('caption-one-language')}:9)"),
          ("broken-notes", "broken notes", "ko", line_of(_ko("broken-notes"), "[^2]"), "footnote-undefined", ""),
          ("fm-unknown-field", "unknown fields warn", "ko", 7, "frontmatter-unknown", "photographer"),
      ]],
    Case("build-unknown-suffix", "index.kr.md", "never published: a warning naming the file (exit 0)", 0,
         (W(f"docs/{ISSUE}/unknown-suffix/index.kr.md", 0, "lang-suffix-unknown"),), ("unknown-suffix",)),
    Case("build-upper-suffix", "other unknown suffixes (index.EN.md)", "a warning naming the file (exit 0)", 0,
         (W(f"docs/{ISSUE}/upper-suffix/index.EN.md", 0, "lang-suffix-unknown"),), ("upper-suffix",)),
    Case("build-unpaired", "unpaired files", "a normal state of a bilingual site (check reports it): the build "
         "says nothing (exit 0), and English readers see a notice over the Korean text", 0, (), ("unpaired",)),
    Case("build-raw-note", "paths in messages pasteable from the repository root",
         "pasted notes: a warning whose advice is a command that works from the root (exit 0)", 0,
         (W(src("raw-note"), 0, "normalize-needed", f"cityvoices normalize {src('raw-note')}`"),), ("raw-note",)),
    Case("build-bom-crlf", "BOM/CRLF kept", "a BOM and CRLF line ends are no problem: no message, the note "
         "renders", 0, (), ("bom-crlf",)),
    Case("build-gh-pages", "build -d DIR with .git/.nojekyll",
         "a gh-pages worktree carrying our marker: rebuilt (exit 0), .git and .nojekyll kept", 0, (), ()),
    Case("build-offline-zip", "the offline zip listing", "the zip holds the site's own regular files only: no "
         "entry outside it, none through a symlink, none from outside docs/ (exit 0)", 0, (), ()),
]
#: Built with PDFs: what lands in them (metadata, names) is checked too.
HOSTILE: list[Case] = [
    Case("build-hangul-twins", "Hangul PDF name collisions",
         "newsletters/2013-12/서울소식 and …/부산소식: both PDFs made under distinct names, each page links "
         "its own (exit 0, no message)", 0, (), ("hangul-twins",)),
    *[Case(f"build-{name}", "stored XSS values", f"a hostile {XSS[name][0]} is text: no message (exit 0), no "
           "live markup in any page, the search index, the sitemap or the PDF metadata", 0, (), (name,))
      for name in XSS],
    Case("build-xss-nav-page", "stored XSS values (theme partials: nav, tabs, footer)",
         "a nav page's hostile front matter title: no message (exit 0); nav and tabs show mkdocs.yml's titles", 0,
         (), ("xss-nav-page",)),
]
PDF_FAILURES: list[Case] = [
    Case("build-missing-image", "missing images", "the PDF cannot be made: exit 2 at the image's line", 2,
         (E(src("missing-image"), 9, "pdf-image-missing"),), ("missing-image",)),
    Case("build-attachment", "file: attachment", "WeasyPrint may not attach a file from outside: exit 2", 2,
         (E(src("attachment"), 9, "pdf-url-refused"),), ("attachment",)),
    Case("build-image-absolute", "absolute image path", "not read into the PDF: exit 2 at the line", 2,
         (E(src("image-absolute"), 9, "pdf-url-refused"),), ("image-absolute",)),
    Case("build-image-dotdot", "../ image path", "an image outside docs/ (it exists): refused, exit 2", 2,
         (E(src("image-dotdot"), 9, "pdf-url-refused"),), ("image-dotdot",)),
    Case("build-image-file-url", "file: image URL", "refused: exit 2 at the line", 2,
         (E(src("image-file-url"), 9, "pdf-url-refused"),), ("image-file-url",)),
    Case("build-pdfs-failed", "a build whose PDFs failed exits 2 and links no missing PDF",
         "the summary says so (exit 2); the English PDFs of the same publications are made and linked", 2,
         (E("mkdocs.yml", 0, "pdf-failed"),), ()),
]
GROUPS = [(G_ERRORS, ERRORS), (G_FINDINGS, FINDINGS), (G_HOSTILE, HOSTILE), (G_PDF, PDF_FAILURES)]

#: ``cityvoices pdf`` rendering for real (marked pdf).
PDF_CLI: list[Case] = [
    Case("pdf-hangul-count", "Hangul PDF name collisions",
         "both publications' PDFs are made under distinct names, and the count printed is the count of files "
         "written (exit 0, no message)", 0, (), ("hangul-twins",),
         ("pdf", "-o", "out", "--cache-dir", "{tmp}/cache", "-j", "1", "docs/newsletters/2013-12"),
         writes=tuple(f"out/newsletters-2013-12-{c}.{k}.pdf" for c in ("서울소식", "부산소식")
                      for k in ("ko", "en", "bilingual")) + ("out/.cityvoices-output",),
         check=lambda root, outside, out: _count_is_files(root / "out", out)),
]


def _count_is_files(folder: Path, out: str) -> None:
    import re

    m = re.search(r"^(\d+) PDF\(s\) made, (\d+) unchanged \(cache\), 0 failed", out, re.M)
    assert m, out
    assert int(m.group(1)) + int(m.group(2)) == len(list(folder.glob("*.pdf"))) == 6, (out, list(folder.iterdir()))


#: Signals (marked build): (case, signal).
PROCESS: list[Case] = [
    Case("build-sigterm", "a signal to the parent",
         "SIGTERM to the parent only: its language processes stop too, the temporary folder is removed, the "
         "site is untouched; exit 128+15 with a message", 128 + 15, (E("mkdocs.yml", 0, "interrupted"),),
         ("bom-crlf",)),
    Case("build-sigkill", "a killed build's temporary folder",
         "SIGKILL to the parent (it cannot clean up): the children die with it; the next build removes the "
         "stale .site.build-* folder, and .gitignore covers it meanwhile (exit 128+9, no message)", 128 + 9, (),
         ("bom-crlf",)),
]
