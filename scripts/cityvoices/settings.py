"""The site's settings as plain data, and the one schema of its feature switches.

The engine layer (:mod:`cityvoices.integrations.engine`) fills
:class:`SiteSettings` from the generator's configuration; everything else
(the PDF runner, the commands) reads this dataclass and never the
generator's configuration object.

Feature switches live in ``mkdocs.yml`` under ``extra.cityvoices``::

    extra:
      cityvoices:
        pdf: true       # PDF editions and the links to them
        epub: true      # EPUB editions and the links to them (unset: as pdf)
        search: true    # our per-language search index (false: Material's own)
        offline: true   # `cityvoices build` also writes downloads/cityvoices-offline.zip
        parallel: true  # side-by-side pages (Korean and English in aligned rows) and the links to them
        cache: true     # warm builds from .cache/cityvoices/ (`--no-cache`: render every page)

:func:`features_from` validates that mapping (a misspelled or mistyped key is
an error naming ``mkdocs.yml``, its line and the key); a command may override
single switches for one run (``cityvoices build --no-pdf``).  A switch in
:data:`FOLLOWS` that mkdocs.yml leaves unset takes its leader's value, and
a run that turns the leader off turns it off too unless the run names it:
``epub`` follows ``pdf`` (the downloadable editions are made together;
``--no-pdf`` is the quick build, ``--no-epub`` skips only the EPUBs, and
``epub: false`` keeps PDFs without EPUBs).  Pure: no I/O.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from cityvoices.problems import CityVoicesError

#: ``name: (default, what it switches)``: the whole schema.
FEATURES: dict[str, tuple[bool, str]] = {
    "pdf": (True, "PDF editions of every publication and issue, and the links to them on the pages"),
    "epub": (True, "EPUB editions of every publication and issue, and the links to them on the pages (unset: "
                   "as pdf)"),
    "search": (True, "our per-language search index and worker (false: Material's own combined index)"),
    "offline": (True, "`cityvoices build` also writes the offline copy, downloads/cityvoices-offline.zip"),
    "parallel": (True, "a side-by-side page (Korean and English in aligned rows) for every publication with "
                       "both languages, and the link to it"),
    "cache": (True, "warm builds: pages whose inputs did not change come from .cache/cityvoices/ (false: every "
                    "build renders every page)"),
}
#: ``follower: leader``: a switch that mkdocs.yml leaves unset takes its leader's value.
FOLLOWS: dict[str, str] = {"epub": "pdf"}
#: Where the switches live in mkdocs.yml.
KEY = ("extra", "cityvoices")


def _line_of_key(config_text: str, name: str | None) -> int:
    """Line of ``extra: cityvoices: [name:]`` in the YAML text (0: not found)."""
    lines = config_text.splitlines()
    in_extra = in_cv = False
    for no, line in enumerate(lines, 1):
        if re.match(r"^extra\s*:", line):
            in_extra = True
            continue
        if in_extra and re.match(r"^\S", line):
            in_extra = in_cv = False
        if in_extra and re.match(r"^\s+cityvoices\s*:", line):
            in_cv = True
            if name is None:
                return no
            continue
        if in_cv and name is not None and re.match(rf"^\s+{re.escape(name)}\s*:", line):
            return no
    return 0


def features_from(value: Any, config_path: str = "mkdocs.yml", config_text: str = "") -> dict[str, bool]:
    """The switches of ``extra.cityvoices`` with defaults filled in.

    ``value`` is the mapping as YAML gave it (``None`` when absent);
    ``config_text`` the file's text, only to name the line of a bad key."""
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise CityVoicesError(config_path, _line_of_key(config_text, None),
                              f"extra.cityvoices must be a mapping of switches ({', '.join(FEATURES)}), "
                              f"not {type(value).__name__}", "config-feature")
    out = {name: default for name, (default, _) in FEATURES.items()}
    for name, setting in value.items():
        if name not in FEATURES:
            raise CityVoicesError(config_path, _line_of_key(config_text, str(name)),
                                  f"extra.cityvoices.{name}: unknown feature; the features are "
                                  f"{', '.join(FEATURES)}", "config-feature")
        if not isinstance(setting, bool):
            raise CityVoicesError(config_path, _line_of_key(config_text, str(name)),
                                  f"extra.cityvoices.{name} must be true or false, not {setting!r}",
                                  "config-feature")
        out[name] = setting
    for follower, leader in FOLLOWS.items():
        if follower not in value:
            out[follower] = out[leader]
    return out


def with_overrides(features: Mapping[str, bool], overrides: Mapping[str, bool] | None) -> dict[str, bool]:
    """``features`` with a run's overrides (``--no-pdf``) applied."""
    out = dict(features)
    for name, setting in (overrides or {}).items():
        if name not in FEATURES:
            raise ValueError(f"unknown feature {name!r}; the features are {', '.join(FEATURES)}")
        out[name] = bool(setting)
    for follower, leader in FOLLOWS.items():
        if follower in out and leader in (overrides or {}) and follower not in (overrides or {}) \
                and not overrides[leader]:
            out[follower] = False
    return out


@dataclass
class SiteSettings:
    """What the tools need to know about the site, independent of the generator."""

    config_file: Path  # mkdocs.yml, absolute
    docs_dir: Path
    site_dir: Path
    site_url: str
    extensions: list[Any]  # Markdown extensions as the generator configured them
    configs: dict[str, Any]
    languages: list[tuple[str, bool]] = field(default_factory=list)  # (locale, is_default)
    features: dict[str, bool] = field(default_factory=dict)
    watch: list[Path] = field(default_factory=list)  # what a preview server watches
    theme_dir: Path | None = None  # the theme's custom_dir (overrides/)
    hooks: list[Path] = field(default_factory=list)  # the hooks files of the configuration

    @property
    def root(self) -> Path:
        """The repository: the folder of mkdocs.yml."""
        return self.config_file.parent

    @property
    def docs_prefix(self) -> str:
        """``docs/``: the docs folder as an editor types it from the repository root."""
        rel = os.path.relpath(self.docs_dir, self.root)
        return "" if rel == "." else Path(rel).as_posix().rstrip("/") + "/"

    def source_path(self, src_uri: str) -> str:
        """A source's path as an editor pastes it from the repository root."""
        return self.docs_prefix + src_uri
