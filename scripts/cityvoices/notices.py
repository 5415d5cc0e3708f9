"""What readers see of the translation state (beside :mod:`cityvoices.render`
and :mod:`cityvoices.listing`): notices on missing and outdated
translations, the language switcher's "(not translated)", the status table,
and the hreflang/sitemap fixes.  Pure; used by
``cityvoices.integrations.translations``.

Every string comes from :mod:`cityvoices.i18n`; every value (titles, keys,
URLs) is escaped for its context.
"""

from __future__ import annotations

import html as _html
import re
from typing import Iterable

from cityvoices import i18n
from cityvoices.parallel import STATUSES, PairReport
from cityvoices.urls import href as _href
from cityvoices.urls import relative_url

esc = _html.escape


def missing_notice(reader_lang: str, content_lang: str, href: str) -> str:
    """The notice on a page whose ``reader_lang`` version does not exist."""
    text = i18n.label(reader_lang, "missing_translation", lang=i18n.LANG_IN[reader_lang][content_lang])
    link = i18n.label(reader_lang, "read_in", lang=i18n.LANG_NAMES[content_lang])
    return (f'<div class="admonition warning cv-missing-translation" role="note" lang="{esc(reader_lang)}">'
            f'<p class="admonition-title">{esc(i18n.label(reader_lang, "status.missing"))}</p>'
            f'<p>{esc(text)} <a href="{esc(_href(href))}" hreflang="{esc(content_lang)}" lang="{esc(content_lang)}">'
            f'{esc(link)}</a></p></div>')


def outdated_notice(lang: str, source_lang: str, href: str) -> str:
    return (f'<div class="admonition warning cv-outdated-translation" role="note" lang="{esc(lang)}">'
            f'<p class="admonition-title">{esc(i18n.label(lang, "status.outdated"))}</p>'
            f'<p>{esc(i18n.label(lang, "outdated_translation"))} '
            f'<a href="{esc(_href(href))}" hreflang="{esc(source_lang)}">{esc(i18n.label(lang, "source_version"))} '
            f'({esc(i18n.LANG_NAMES[source_lang])})</a></p></div>')


def wrap_content_lang(html: str, content_lang: str) -> str:
    """Mark rendered page content as written in ``content_lang``."""
    return f'<div class="cv-content-lang" lang="{esc(content_lang)}">\n{html}\n</div>'


def switcher_name(name: str, reader_lang: str) -> str:
    """``English (not translated)`` / ``English (번역 없음)``: in the
    language of the page the reader is on."""
    return f"{name} ({i18n.label(reader_lang, 'not_translated')})"


HEAD_ALT_RE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="(?P<lang>[a-z-]+)">\n?')


def drop_head_alternates(output: str, langs: set[str]) -> str:
    """Remove ``<link rel="alternate" hreflang>`` for ``langs`` from the head."""
    head_end = output.find("</head>")
    if head_end < 0:
        return output
    head = HEAD_ALT_RE.sub(lambda m: "" if m.group("lang") in langs else m.group(0), output[:head_end])
    return head + output[head_end:]


#: One ``<url>`` entry of a sitemap (also read by :mod:`cityvoices.buildpar`).
SITEMAP_URL_RE = re.compile(r"[ \t]*<url>.*?</url>[ \t]*\n?", re.S)
SITEMAP_LOC_RE = re.compile(r"<loc>(?P<loc>[^<]*)</loc>")
SITEMAP_ALT_RE = re.compile(r'\n?[ \t]*<xhtml:link rel="alternate" hreflang="[^"]*" href="(?P<href>[^"]*)"/>')


def fix_sitemap(xml: str, missing_abs_urls: set[str]) -> str:
    """Drop sitemap entries for fallback pages (a translation that does not
    exist) and every ``xhtml:link`` alternate that points at one."""

    def url_block(m: re.Match[str]) -> str:
        block = m.group(0)
        loc = SITEMAP_LOC_RE.search(block)
        if loc and _html.unescape(loc.group("loc")) in missing_abs_urls:
            return ""
        return SITEMAP_ALT_RE.sub(
            lambda a: "" if _html.unescape(a.group("href")) in missing_abs_urls else a.group(0), block)

    return SITEMAP_URL_RE.sub(url_block, xml)


def status_table(reports: Iterable[PairReport], lang: str, base_url: str,
                 titles: dict[str, dict[str, str]], urls: dict[str, dict[str, str]]) -> str:
    """The translation status table for the status page (HTML).

    ``titles[key][lang]`` and ``urls[key][lang]`` (site-relative) describe
    each publication's existing versions."""
    head = (i18n.label(lang, "status.publication"), i18n.label(lang, "status.status"),
            *(i18n.LANG_IN.get(lang, i18n.LANG_IN["en"])[v] for v in i18n.LANGS))
    rows = []
    reps = list(reports)
    for rep in reps:
        t = titles.get(rep.key, {})
        title = t.get(lang) or next(iter(t.values()), rep.key)
        title_lang = lang if lang in t else next(iter(t), lang)
        status = rep.status if rep.status in STATUSES else "divergent"
        cells = [f'<td lang="{esc(title_lang)}">{esc(title)}</td>',
                 f'<td><span class="cv-status cv-status-{status}">{esc(i18n.label(lang, "status." + status))}'
                 f'</span></td>']
        for v in i18n.LANGS:
            target = urls.get(rep.key, {}).get(v)
            if target:
                cells.append(f'<td><a href="{esc(_href(relative_url(target, base_url)))}" hreflang="{v}">'
                             f'{esc(i18n.LANG_NAMES[v])}</a></td>')
            else:
                cells.append(f'<td class="cv-status-none">{esc(i18n.label(lang, "status.missing"))}</td>')
        rows.append(f'<tr data-key="{esc(rep.key)}" data-status="{status}">' + "".join(cells) + "</tr>")
    counts = {s: sum(1 for r in reps if r.status == s) for s in STATUSES}
    summary = " · ".join(f"{esc(i18n.label(lang, 'status.' + s))} {counts[s]}" for s in STATUSES)
    return ('<div class="cv-translation-status">'
            f'<p class="cv-status-summary">{summary}</p>'
            '<table><thead><tr>' + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead>"
            "<tbody>" + "".join(rows) + "</tbody></table></div>")
