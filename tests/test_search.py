"""Search: analysers, index builder, and the per-language index in the built
site.  The browser side (worker, Material's UI, file://) is in
test_search_browser.py."""

from __future__ import annotations

import functools
import json
import marshal
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityvoices.search import analyze, index

HANGUL = re.compile(r"[가-힣]")
CV = Path("assets") / "javascripts" / "cv-search"


def keys(query: str) -> list[str]:
    return [k for g in analyze.query_terms(query) for k in g["keys"]]


def found(query: str, text: str) -> bool:
    """Every Hangul group's bigrams, and every Latin stem, in the text's keys."""
    have = set(analyze.index_terms(text))
    return all(set(g["keys"]) <= have for g in analyze.query_terms(query))


@pytest.mark.parametrize("token, stem", [
    ("울란바토르에서", "울란바토르"), ("폐기물을", "폐기물"), ("기후변화의", "기후변화"),
    ("한국국제협력단과", "한국국제협력단"), ("선출되었다", "선출"), ("체결했다", "체결"),
    ("서울연구원으로부터", "서울연구원"),
    # two syllables must remain: a noun that ends like a particle is kept
    ("회의", "회의"), ("도로", "도로"), ("차이", "차이"), ("서울", "서울"),
])
def test_korean_stem(token, stem):
    assert analyze.ko_stem(token) == stem


@pytest.mark.parametrize("query, text", [
    ("울란바토르에서", "울란바토르의 대기 오염"),          # particle in the query, another in the text
    ("폐기물을", "고체 폐기물 관리시설"),
    ("연구원", "서울연구원의 발표"),                        # a noun inside a compound
    ("협력단", "한국국제협력단(KOICA)과"),
    ("폐기물관리", "폐기물 관리시설 건설"),                 # the compound, written apart in the text
    ("폐기물 관리", "폐기물관리시설"),                      # the parts, written together
    ("서울 연구원", "서울연구원이"),
    ("대기오염을", "울란바토르의 대기 오염을 얘기했다"),
    ("KOICA", "한국국제협력단(KOICA)과"),                   # Latin on a Korean page
    ("mou", "양해각서(MOU)를 체결했다"),
    ("governing", "good governance for cities"),
    ("partnerships", "a new partnership"),
])
def test_query_finds_text(query, text):
    assert found(query, text)


@pytest.mark.parametrize("query, text", [
    ("서울시", "부산시와 인천시"),
    ("울란바토르", "울산과 바토르"),
    ("기후변화", "기후 조건의 변화"),
    ("governing", "the mayor of Seoul"),
    ("koica", "kotra and koi"),
])
def test_other_words_are_not_found(query, text):
    assert not found(query, text)


@pytest.mark.parametrize("word, stem", [
    ("governing", "govern"), ("governance", "govern"), ("government", "govern"),
    ("cities", "city"), ("planned", "plan"), ("elections", "elect"), ("elected", "elect"),
    ("urbanization", "urban"), ("urbanized", "urban"), ("process", "process"), ("citynet's", "citynet"),
])
def test_english_stem(word, stem):
    toks = [t for t, _, _ in analyze.tokens(analyze.normalize(word))]
    assert [analyze.en_stem(t) for t in toks] == [stem]


syllable = st.integers(0xAC00, 0xD7A3).map(chr)
noun = st.lists(syllable, min_size=2, max_size=6).map("".join)
suffix = st.sampled_from(("",) + analyze.KO_SUFFIXES)


@settings(max_examples=400, deadline=None)
@given(noun, suffix, suffix, st.sampled_from(["", " ", "시티넷 ", "2013년 "]))
def test_any_particle_in_query_finds_any_particle_in_text(n, p1, p2, before):
    """Build time and query time agree: a noun typed with one particle or
    ending finds the noun written with any other (or none)."""
    assert found(n + p1, before + n + p2 + " 있다")


@settings(max_examples=200, deadline=None)
@given(noun, noun, suffix)
def test_compound_parts_and_spacing(a, b, p):
    assert found(a, a + b + p)                 # first part of a compound
    assert found(b, a + b + p)                 # last part
    assert found(a + b, a + " " + b + p)       # whole compound, written apart
    assert found(a + " " + b, a + b + p)       # parts typed apart, written together


def _sections():
    return [
        index.Section("a/", "시티넷 서울 총회", "서울연구원 발표. KOICA와 MOU를 체결했다."),
        index.Section("a/#one", "첫째 절", "울란바토르의 대기 오염과 폐기물 관리시설."),
        index.Section("b/", "뉴스레터", "서울 총회 개최 소식."),
        index.Section("a/#two", "둘째 절", "기후변화 클러스터."),
    ]


def _load(files: dict[str, str]) -> dict:
    """Parse the generated scripts back (each is one cvSearch(kind, id, data) call)."""
    out: dict = {"shard": {}, "docs": {}, "meta": None}
    for name, text in files.items():
        m = re.fullmatch(r'cvSearch\("(\w+)",("?[^,]*"?),(.*)\);\n', text, re.S)
        assert m, name
        kind, ident, data = m.group(1), json.loads(m.group(2)), json.loads(m.group(3))
        if kind == "meta":
            out["meta"] = data
        else:
            out[kind][ident] = data
    return out


def test_index_files_round_trip():
    files = index.build_index(_sections(), "ko")
    data = _load(files)
    meta = data["meta"]
    assert meta["lang"] == "ko" and meta["docs"] == 4
    assert meta["rules"] == analyze.RULES
    # pages first, each followed by its sections, whatever the input order
    docs = [rec for c in sorted(data["docs"]) for rec in data["docs"][c]]
    assert [d[0] for d in docs] == ["a/", "a/#one", "a/#two", "b/"]
    assert [d[3] for d in docs] == [-1, 0, 0, -1]
    starts, acc = [], 0
    for d in meta["pages"]:
        acc += d
        starts.append(acc)
    assert starts == [0, 3]
    # every key sits in the shard shard_of names, with decodable postings
    postings = {}
    for name, shard in data["shard"].items():
        for key, flat in shard.items():
            assert analyze.shard_of(key, meta["koShards"]) == name
            doc, out = 0, []
            for i in range(0, len(flat), 2):
                doc += flat[i]
                out.append(doc)
            postings[key] = out
    assert postings["~koica"] == [0]
    assert set(postings["폐기"]) == {1}
    assert set(postings["서울"]) == {0, 3}          # in a title and a text
    assert set(postings["물관"]) == {1}             # across the space in 폐기물 관리
    assert sorted(meta["shards"]) == sorted(data["shard"])


def test_index_keeps_hangul_readable():
    files = index.build_index(_sections(), "ko")
    text = "".join(files.values())
    assert "\\u" not in text and "울란바토르" in text


def test_sections_from_entries_strips_markup_and_duplicates():
    entries = [{"location": "a/", "title": "T", "text": "<p>가 &amp; 나</p>"},
               {"location": "a/", "title": "T", "text": "dup"},
               {"location": "a/#s", "title": "<code>S</code>", "text": "<p>x</p>", "tags": ["태그"]}]
    secs = index.sections_from_entries(entries)
    assert [(s.location, s.title, s.text, s.tags) for s in secs] == [
        ("a/", "T", "가 & 나", ()), ("a/#s", "S", "x", ("태그",))]


# -- the built site --------------------------------------------------------------------------

def _site_index(site_dir: Path, lang: str) -> dict:
    folder = site_dir / CV / lang
    return _load({p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()})


@pytest.mark.build
def test_built_site_has_one_index_per_language(site_dir):
    for lang in ("ko", "en"):
        data = _site_index(site_dir, lang)
        assert data["meta"]["lang"] == lang
        locations = [rec[0] for chunk in data["docs"].values() for rec in chunk]
        assert locations
        if lang == "en":
            assert all(loc.startswith("en/") for loc in locations)
        else:
            assert not any(loc.startswith("en/") for loc in locations)
        assert (site_dir / CV / f"worker.{lang}.js").read_text(encoding="utf-8").startswith(
            f'self.CV_LANG="{lang}";')
    ko = _site_index(site_dir, "ko")
    titles = {rec[0]: rec[1] for chunk in ko["docs"].values() for rec in chunk}
    # the Korean-only section is in the Korean index, with its own anchor
    assert titles["cityvoices/2014-1/seoul-congress-2013/#seoul-as-president"] == "회장 도시로서 서울의 기회"


@pytest.mark.build
def test_built_site_ships_no_combined_index(site_dir):
    """Material's search_index.json (downloaded on every page load) keeps its
    config but no documents; no per-language copy of it is left either."""
    data = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert data["docs"] == [] and "separator" in data["config"]
    assert not (site_dir / "en" / "search" / "search_index.json").exists()


@pytest.mark.build
def test_pages_point_material_at_their_language_worker(site_dir):
    ko = (site_dir / "index.html").read_text(encoding="utf-8")
    en = (site_dir / "en" / "index.html").read_text(encoding="utf-8")
    assert '"assets/javascripts/cv-search/worker.ko.js"' in ko
    assert '"../assets/javascripts/cv-search/worker.en.js"' in en
    article = (site_dir / "en" / "cityvoices" / "2014-1" / "seoul-congress-2013" / "index.html").read_text("utf-8")
    assert '"../../../../assets/javascripts/cv-search/worker.en.js"' in article


def test_query_set_is_well_formed():
    from cityvoices.search.probe import load_queries

    qs = load_queries()
    ko = [q for q in qs if q["lang"] == "ko"]
    en = [q for q in qs if q["lang"] == "en"]
    assert len(ko) >= 60 and len(en) >= 30
    kinds = {q["kind"] for q in ko}
    assert {"particle", "compound-part", "compound-whole", "spacing", "loanword", "name", "latin"} <= kinds
    assert {"inflection", "typo", "prefix"} <= {q["kind"] for q in en}
    for q in qs:
        for page, sections in q["expect"].items():
            assert page.endswith("/") and page.startswith("en/") == (q["lang"] == "en"), q
            assert isinstance(sections, list) and sections, q


# -- highlighting: the analysed terms mapped back to the words -------------------------------

def marks(text: str, terms: list[str]) -> list[str]:
    return [text[a:b] for a, b in analyze.highlight_spans(text, terms)]


def test_highlight_marks_whole_words_by_their_stem_not_prefixes():
    text = ("Solid waste management was a priority, as was water: wastewater, Managing waste, "
            "the managers' wasted effort.")
    stems = [t for g in analyze.query_terms("waste management") for t in [g["stem"]]]
    assert stems == ["wast", "manag"]
    assert marks(text, stems) == ["waste", "management", "Managing", "waste", "managers", "wasted"]
    # "city" must not mark "capacity" or "electricity"
    assert marks("City capacity, electricity and cities", ["city"]) == ["City", "cities"]


def test_highlight_korean_forms_particles_and_compounds():
    text = "서울시는 서울시의 정책을, 서울시립대와 서울연구원에서 폐기물 관리시설을 미래 프로젝트와 함께"
    assert marks(text, ["서울시"]) == ["서울시는", "서울시의", "서울시"]    # 서울시립대: the part only
    assert marks(text, ["연구원"]) == ["연구원에서"]
    assert marks(text, ["폐기물관리"]) == ["폐기물 관리"]                   # written apart
    assert marks(text, ["미래프로젝트"]) == ["미래 프로젝트와"]
    # nothing across punctuation, nothing for a term that is not there
    assert marks("서울, 시는", ["서울시"]) == [] and marks(text, ["부산"]) == []


def test_highlight_spans_never_overlap():
    spans = analyze.highlight_spans("서울시청 서울시는", ["서울시", "서울시청", "시청"])
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_chrome_is_left_out_of_the_search_text():
    html = ('<h1 id="cv-title">T</h1><div class="cv-byline"><p class="cv-kicker">k</p></div>'
            '<p>text<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>.</p>'
            '<p class="cv-downloads"><a href="x.pdf">PDF (한국어)</a></p><span class="caption-prefix">그림 1.</span>'
            '<div class="other cv-byline-like">keep</div>')
    out = index.exclude_chrome(html)
    assert out.count("data-search-exclude") == 5  # the kicker inside the byline too
    assert '<p class="cv-kicker" data-search-exclude="chrome">' in out
    assert '<div class="cv-byline" data-search-exclude="chrome">' in out
    assert '<a class="footnote-ref" href="#fn:1" data-search-exclude="chrome">' in out
    assert "cv-byline-like\">keep" in out
    assert index.exclude_chrome(out) == out  # once only


def test_people_are_searchable_without_the_byline():
    meta = {"authors": [{"name": "Brenna Foster", "affiliation": "CITYNET"}, "편집부"], "translators": "홍길동"}
    assert index.people_words(meta) == ("Brenna Foster", "편집부", "홍길동")
    assert index.people_words({"authors": 3}) == ()


def _seed_sections() -> list[index.Section]:
    """The seed article's paragraphs as 40 pages of three sections each
    (enough Hangul for several shards)."""
    from helpers import SEED

    paras = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    out = []
    for page in range(40):
        for sec in range(3):
            text = " ".join(paras[(page * 3 + sec + k) % len(paras)] for k in range(2))
            loc = f"p{page}/" + (f"#s{sec}" if sec else "")
            out.append(index.Section(loc, f"제목 {page} {sec}", text, ("태그",) if sec == 0 else ()))
    return out


@functools.lru_cache(maxsize=1)
def _seed_index() -> tuple[list[index.Section], bytes]:
    base = _seed_sections()
    return base, marshal.dumps(index.index_of(base, "ko")[1])


def _seed_state() -> tuple[list[index.Section], dict]:
    """The seed sections and a fresh copy of their index's state (a patch takes its state over)."""
    base, state = _seed_index()
    return list(base), marshal.loads(state)


_WORDS = st.sampled_from(["서울", "총회에서", "도시", "기후변화", "새로운낱말", "KOICA", "planning", "cities",
                          "울란바토르의", "", "관리", "zzyzx", "고친"])


@settings(max_examples=60, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, 119), st.sampled_from(["title", "text", "tags", "clear"]),
                                st.lists(_WORDS, max_size=6)), min_size=1, max_size=5))
def test_a_patched_index_is_the_index_built_afresh(edits):
    """patch_index over the previous state gives, file for file, what
    build_index gives for the edited sections; or declines."""
    base, state = _seed_state()
    assert state["ko_shards"] > 1
    new = list(base)
    for i, field, words in edits:
        s = new[i]
        text = " ".join(words)
        if field == "title":
            new[i] = index.Section(s.location, text, s.text, s.tags)
        elif field == "text":
            new[i] = index.Section(s.location, s.title, s.text + " " + text, s.tags)
        elif field == "tags":
            new[i] = index.Section(s.location, s.title, s.text, tuple(words))
        else:
            new[i] = index.Section(s.location, s.title, text, s.tags)
    got = index.patch_index(state, new, "ko")
    want = index.build_index(new, "ko")
    if got is None:  # only when the shard count moved (a few edits here cannot pass PATCH_SHARE of 120)
        assert len({i for i, _f, _w in edits}) > index.PATCH_SHARE * 120 or \
            _load(want)["meta"]["koShards"] != state["ko_shards"]
        return
    files, again, changed = got
    assert files == want and changed == sum(a != b for a, b in zip(base, new))
    assert index.patch_index(again, new, "ko") == (want, again, 0)  # and the state it leaves is the new one


def test_a_patch_declines_when_documents_come_or_go_and_stays_exact_when_they_move():
    base = _seed_sections()
    for change in (lambda s: s[:-1], lambda s: s + [index.Section("p99/", "새 쪽", "새 글")],
                   lambda s: s[:3] + [index.Section("p1/#new", "절", "글")] + s[3:]):
        _files, state = index.index_of(base, "ko")
        assert index.patch_index(state, change(list(base)), "ko") is None
    # two pages of as many sections change places: their documents changed, nothing moved
    swapped = base[3:6] + base[:3] + base[6:]
    _files, state = index.index_of(base, "ko")
    assert index.patch_index(state, swapped, "ko")[0] == index.build_index(swapped, "ko")
    _files, state = index.index_of(base, "ko")
    assert index.patch_index(state, base, "en") is None
    _files, state = index.index_of(base, "ko")
    assert index.patch_index(state, base, "ko")[0] == index.build_index(base, "ko")  # nothing changed
    _files, state = index.index_of(base, "ko")
    many = [index.Section(x.location, x.title, x.text + " 고친", x.tags) for x in base[:10]] + base[10:]
    assert index.patch_index(state, many, "ko") is None  # past PATCH_SHARE: built afresh
