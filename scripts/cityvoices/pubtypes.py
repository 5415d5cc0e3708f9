"""The publication types: one table, read by every module that needs a type.

A row says everything the system knows about a type:

* ``name`` - the front matter ``type:`` value, the listing kind
  (``listing: <name>`` on its listing page) and the ``cityvoices new`` choice;
* ``section`` - the folder under ``docs/`` (``docs/<section>/<group>/<slug>/``);
* ``group`` - the folder rule, which is also how its listing groups:
  ``issue`` (the ``issue`` field: ``cityvoices/2014-1/…``), ``month``
  (``YYYY-MM`` of the date: ``newsletters/2013-12/…``) or ``event``
  (the ``event`` field: ``reports/2013-seoul-congress/…``);
* ``required`` - fields required beyond the common ones
  (:data:`cityvoices.frontmatter.REQUIRED`);
* ``labels`` - the type's name per language (on bylines and in messages);
* ``group_pdf`` - whether each group gets a whole-group PDF (magazine issues).

An issue of a type that groups by issue (CityVoices) may have a page of
its own, ``docs/<section>/<issue>/index.{ko,en}.md`` with ``type: issue``
(:data:`ISSUE_PAGE`): its title, cover and the editor's note; without one
the site generates the issue's page (:func:`issue_page_src`).

Adding a type is one row here plus its listing page
(``docs/<section>/index.{ko,en}.md`` with ``listing: <name>``, and a ``nav``
entry to reach it); tests/test_pubtypes.py proves it on a fixture site.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cityvoices import i18n

BY_ISSUE = "issue"
BY_MONTH = "month"
BY_EVENT = "event"
GROUP_RULES = (BY_ISSUE, BY_MONTH, BY_EVENT)


@dataclass(frozen=True)
class PubType:
    name: str
    section: str
    group: str
    labels: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    group_pdf: bool = False
    #: the type's name for many of them, per language (default: ``labels``)
    plurals: dict[str, str] = field(default_factory=dict)
    #: schema.org type of its pages (JSON-LD)
    schema: str = "Article"

    def __post_init__(self) -> None:
        if self.group not in GROUP_RULES:
            raise ValueError(f"publication type {self.name!r}: group must be one of {GROUP_RULES}")

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.name

    def plural(self, lang: str) -> str:
        return self.plurals.get(lang) or self.label(lang)

    @property
    def group_field(self) -> str | None:
        """The front matter field that names the group (``None``: the date's month)."""
        return None if self.group == BY_MONTH else self.group


#: The table.  Order is the order of ``cityvoices new`` choices and of docs.
TYPES: tuple[PubType, ...] = (
    PubType("article", "cityvoices", BY_ISSUE, {"ko": "시티보이스 기사", "en": "CityVoices article"},
            required=("issue",), group_pdf=True, plurals={"en": "CityVoices articles"}),
    PubType("newsletter", "newsletters", BY_MONTH, {"ko": "뉴스레터", "en": "Newsletter"},
            plurals={"en": "newsletters"}, schema="NewsArticle"),
    PubType("report", "reports", BY_EVENT, {"ko": "총회 보고서", "en": "Congress report"},
            plurals={"en": "congress reports"}, schema="Report"),
)

NAMES: tuple[str, ...] = tuple(t.name for t in TYPES)
#: The ``type:`` of an issue's own page (not a publication: its articles are).
ISSUE_PAGE = "issue"
_BY_NAME = {t.name: t for t in TYPES}
_BY_SECTION = {t.section: t for t in TYPES}


def get(name: object) -> PubType | None:
    """The row of type ``name`` (``None`` for ``page`` or an unknown type)."""
    return _BY_NAME.get(name) if isinstance(name, str) else None


def by_section(section: str) -> PubType | None:
    """The type whose folder is ``docs/<section>/``."""
    return _BY_SECTION.get(section)


def of_path(src_uri: str) -> PubType | None:
    """The type a source file belongs to by its folder
    (``newsletters/2013-12/x/index.ko.md`` -> newsletter); ``None`` outside
    the sections and for the section's own listing page."""
    parts = src_uri.split("/")
    return by_section(parts[0]) if len(parts) >= 3 else None


def issue_page_src(section: str, folder: str, lang: str) -> str:
    """Where an issue's own page is written: ``cityvoices/2014-1/index.ko.md``."""
    return f"{section}/{folder}/index.{lang}.md"


def issue_page_of(src_uri: str) -> tuple[PubType, str] | None:
    """``(type, issue folder)`` when ``src_uri`` is where an issue's own page
    lives (``<section>/<folder>/index.<lang>.md`` of a type grouped by issue)."""
    parts = src_uri.split("/")
    if len(parts) != 3 or not parts[2].startswith("index."):
        return None
    row = by_section(parts[0])
    return (row, parts[1]) if row is not None and row.group == BY_ISSUE else None


def is_publication(name: object) -> bool:
    return get(name) is not None


def label(name: str, lang: str) -> str:
    """The type's name in ``lang`` (``i18n`` holds the other UI strings)."""
    row = get(name)
    return row.label(lang) if row else i18n.label(lang, "type.page")
