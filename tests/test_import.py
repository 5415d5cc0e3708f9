"""`cityvoices import`: a raw interleaved dump becomes a draft ko/en pair."""

from __future__ import annotations

import hashlib
import re

from cityvoices import langsplit
from cityvoices.cli import main
from helpers import SEED

HANGUL = re.compile(r"[가-힣]")


def test_language_of():
    assert langsplit.language_of("시티넷은 1987년에 설립되었다.") == "ko"
    assert langsplit.language_of("CITYNET was founded in 1987.") == "en"
    assert langsplit.language_of("1 http://esa.un.org/unup/pdf/WUP2011_Highlights.pdf Page 7") == "both"
    assert langsplit.language_of("PIEDAR(Pakistan Institute for Environment)는 성별이 구분된 시설을 공유하였다.") == "ko"


def test_cut_paragraphs_are_joined_and_reported():
    dump = ("시티넷 서울 총회\n\n"
            "예를 들어 새 천년개발목표(MDGs) 회의에서 한국국제협력단(KOICA)과 유엔개발계획(UNDP)의 발표는 새천년개발목표 아젠\n\n"
            "The Congress ended with a proposal for a knowledge sharing platform centered around\n\n"
            "그림1 본회의장 전경\n\n"
            "다 이후의 미래 목표에 대한 토론을 유도하였다.\n\n"
            "new opportunities in Seoul.\n")
    split = langsplit.split_bilingual(dump, "dump.txt")
    assert "새천년개발목표 아젠다 이후의 미래 목표" in split.texts["ko"]
    assert split.texts["ko"].index("아젠다") < split.texts["ko"].index("그림1")  # the caption follows
    assert "centered around new opportunities in Seoul." in split.texts["en"]
    joined = [p for p in split.problems if p.code == "import-joined"]
    assert [(p.line, "without a space" in p.message) for p in joined] == [(9, True), (11, False)]
    assert split.titles == {"ko": "시티넷 서울 총회", "en": None}


def test_headings_are_not_joined_to_the_next_paragraph():
    dump = ("The 2013 CITYNET Seoul Congress and Future Opportunities for Seoul\n\n"
            "Seoul is often seen as a model of successful and rapid urban development.\n")
    text = langsplit.split_bilingual(dump).texts["en"]
    assert "## The 2013 CITYNET Seoul Congress and Future Opportunities for Seoul\n\nSeoul is often" in text \
        or text.startswith("Seoul is often")  # or taken as the title


def test_import_the_seed(tmp_path, capsys):
    docs = tmp_path / "docs"
    rc = main(["import", str(SEED), "article", "seoul-congress", "--issue", "2014-1", "--date", "2014-01-15",
               "--author", "Brenna Foster", "--original", "en", "--docs", str(docs)])
    assert rc == 1  # there are things for the editor to check
    err = capsys.readouterr().err
    folder = docs / "cityvoices" / "2014-1" / "seoul-congress"
    ko = (folder / "index.ko.md").read_text(encoding="utf-8")
    en = (folder / "index.en.md").read_text(encoding="utf-8")
    # every paragraph went to its language
    assert not HANGUL.search(en.split("---", 2)[2])
    for phrase in ("새천년개발목표 아젠다 이후의", "마이문하 모드 샤리프", "울란바토르 부시장은",
                   "(Rockefeller 100 Resilient Cities Challenge)"):
        assert phrase in ko, phrase
    for phrase in ("centered around new opportunities in Seoul", "in future training programs hosted by SMG or KOTI",
                   "with in-depth discussion of issues", "issue areas, CITYNET members",
                   "Memorandum of Understanding with the Korea International"):
        assert phrase in en, phrase
    # the Korean notes became footnotes, numbered by first reference, gathered at the end
    assert re.findall(r"^\[\^(\w+)\]:", ko, re.M) == [str(n) for n in range(1, 8)]
    assert "| 사무국장 | 비제이 자가나탄 (Mr. Vijay Jagannathan) |" in ko
    assert "/// table-caption\n시티넷 주요인사 선출결과\n///" in ko
    assert re.findall(r"^## (.+)$", en, re.M) == [
        "What is CITYNET?", "The 2013 CITYNET Seoul Congress", "Sharing Solutions for an Urban Future",
        "Solidify New Partnerships", "The 2013 CITYNET Seoul Congress and Future Opportunities for Seoul",
        "CITYNET's Future Projects and Plans"]
    # what it cannot fix, it says: the English lost its note markers; captions have no images
    assert "index.en.md:" in err and "footnote-ambiguous" in err
    assert err.count("caption-orphan") == 12
    assert err.count("import-joined") == 9


def test_import_never_overwrites_and_rejects_bad_input(tmp_path, capsys):
    docs = tmp_path / "docs"
    args = ["import", str(SEED), "newsletter", "n1", "--date", "2013-12-02", "--docs", str(docs)]
    assert main(args) == 1
    target = docs / "newsletters" / "2013-12" / "n1" / "index.ko.md"
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    assert main(args) == 2
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    bad = tmp_path / "cp949.txt"
    bad.write_bytes("시티넷 보고서".encode("cp949"))
    assert main(["import", str(bad), "newsletter", "n2", "--docs", str(docs)]) == 2
    assert "cp949.txt:1" in capsys.readouterr().err
    assert not (docs / "newsletters" / "2013-12" / "n2").exists()
