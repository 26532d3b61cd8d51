import io
import json

import pytest

from eventwire.config import Config
from eventwire.ingest import check_text, parse_date, read_jsonl_lines, read_path, read_stream, read_text
from eventwire.records import Article, ReadError

CFG = Config()
STORY = "The foreign minister met with his counterpart in the capital on Monday and said that the talks were useful."


def test_date_header_with_leading_spaces_is_stripped(tmp_path):
    p = tmp_path / "story.txt"
    p.write_text(" date 2023-09-17 " + STORY, encoding="utf-8")
    (a,) = list(read_path(p, CFG))
    assert isinstance(a, Article)
    assert a.date.isoformat() == "2023-09-17" and a.date_source == "header"
    assert a.text == STORY and a.id == "story"


def test_sample_article_reads_with_its_date(shared_sample):
    (a,) = list(read_path(shared_sample, CFG))
    assert a.date.isoformat() == "2023-09-17"
    assert a.text.startswith("Saleh al-Arouri")


def test_missing_date_is_allowed_but_malformed_date_is_an_error():
    a = read_text(STORY, id="x", config=CFG)
    assert isinstance(a, Article) and a.date is None
    e = read_text("date 2023-13-45\n" + STORY, id="bad", source="bad.txt", config=CFG)
    assert isinstance(e, ReadError) and e.record == "bad.txt" and "malformed date" in e.reason


@pytest.mark.parametrize("value", ["2023-02-30", "17/09/2023", 20230917, None, "0000-01-01"])
def test_parse_date_rejects(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_jsonl_bad_lines_are_named_and_the_rest_goes_on():
    lines = [
        json.dumps({"id": "a1", "date": "2024-01-02", "text": STORY, "outlet": "Wire"}),
        "{not json",
        json.dumps({"id": "a3", "date": "yesterday", "text": STORY}),
        json.dumps({"id": "a4", "text": 42}),
        json.dumps(["a list"]),
        json.dumps({"id": {"x": 1}, "text": STORY}),
        json.dumps({"id": "a7", "date": "2024-01-03", "text": STORY, "url": 5}),
        json.dumps({"id": 8, "date": "2024-01-04", "text": STORY}),
    ]
    items = list(read_jsonl_lines(lines, "f.jsonl", CFG))
    ok = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [a.id for a in ok] == ["a1", "8"]
    assert ok[0].outlet == "Wire" and ok[0].date.isoformat() == "2024-01-02"
    assert [e.record.split(" ")[0] for e in errors] == ["f.jsonl:2", "f.jsonl:3", "f.jsonl:4", "f.jsonl:5",
                                                        "f.jsonl:6", "f.jsonl:7"]
    assert "invalid JSON" in errors[0].reason and "malformed date" in errors[1].reason


def test_empty_binary_and_invalid_utf8_files(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin.txt").write_bytes("date 2024-01-01 Caf\xe9 owners protested.".encode("latin-1"))
    reasons = {}
    for item in read_path(tmp_path, CFG):
        assert isinstance(item, ReadError)
        reasons[item.record.rsplit("/", 1)[-1]] = item.reason
    assert reasons["empty.txt"] == "empty article"
    assert "binary" in reasons["junk.txt"]
    assert "invalid UTF-8" in reasons["latin.txt"]


def test_too_long_and_non_english_are_rejected_with_reason():
    assert "too long" in check_text("word " * 300_000, CFG)
    german = "Die Regierung hat am Montag beschlossen, dass die neuen Regeln ab morgen gelten und die Bürger informiert werden."
    assert check_text(german, CFG).startswith("not English")
    assert check_text(STORY, CFG) is None


def test_stdin_plain_text_and_jsonl():
    (a,) = list(read_stream(io.BytesIO(("date 2024-02-02\n" + STORY).encode()), "<stdin>", CFG))
    assert a.date.isoformat() == "2024-02-02"
    items = list(read_stream(io.BytesIO(json.dumps({"id": "s", "date": "2024-02-02", "text": STORY}).encode()),
                             "<stdin>", CFG))
    assert items[0].id == "s"


def test_content_id_is_stable():
    assert Article.content_id(STORY) == Article.content_id(STORY) != Article.content_id(STORY + ".")


def test_missing_file_is_an_error(tmp_path):
    (e,) = list(read_path(tmp_path / "nope.txt", CFG))
    assert isinstance(e, ReadError) and "cannot read" in e.reason


PAGE = """<!doctype html><html><head><title>Ministers meet in Amman | Example News</title>
<meta property="article:published_time" content="2024-03-14T09:30:00Z">
<meta property="og:url" content="https://news.example.org/2024/03/14/amman">
<meta property="og:site_name" content="Example News">
</head><body><nav>Home | World | Sport | Weather</nav><article><h1>Ministers meet in Amman</h1>
<p>AMMAN - Jordanian Foreign Minister Ayman Safadi met his Egyptian counterpart in Amman on Thursday to
discuss the war in Gaza, the ministry said in a statement released after the talks.</p>
<p>The two ministers called on the international community to press for a ceasefire and for aid to
reach civilians in the Gaza Strip, where the humanitarian situation has worsened for weeks.</p>
<p>Safadi said Jordan would keep working with Egypt and other Arab states to end the fighting and that
both countries rejected any displacement of Palestinians from their land.</p>
</article><footer>Copyright Example News. All rights reserved.</footer></body></html>"""


def test_html_page_gives_text_title_url_and_publication_date(tmp_path):
    path = tmp_path / "amman.html"
    path.write_text(PAGE, encoding="utf-8")
    (item,) = list(read_path(path, CFG))
    assert isinstance(item, Article), item
    assert str(item.date) == "2024-03-14" and item.date_source == "metadata"
    assert item.title == "Ministers meet in Amman"
    assert item.url == "https://news.example.org/2024/03/14/amman"
    assert item.text.startswith("AMMAN - Jordanian Foreign Minister")  # the headline is not the dateline
    assert "Home | World" not in item.text and "Copyright" not in item.text
    assert "\n\n" in item.text  # paragraphs stay paragraphs


def test_html_without_a_date_has_none_and_directories_include_pages(tmp_path):
    undated = PAGE.replace('<meta property="article:published_time" content="2024-03-14T09:30:00Z">', "")
    undated = undated.replace("2024/03/14/", "")
    (tmp_path / "a.htm").write_text(undated, encoding="utf-8")
    (tmp_path / "b.txt").write_text("date 2024-03-15\n" + "Police arrested two men in Nairobi on Friday. " * 3)
    items = list(read_path(tmp_path, CFG))
    assert [type(i).__name__ for i in items] == ["Article", "Article"]
    page = next(i for i in items if i.source.endswith("a.htm"))
    assert page.date is None and page.date_source is None


@pytest.mark.parametrize("markup", [
    "<html><body><nav>Home</nav></body></html>",  # no story at all
    "<div>" * 5000 + "text" + "</div>" * 10,  # deeply nested and unclosed
    "<<<>>>&&&;;",
])
def test_bad_html_is_a_named_error_not_a_crash(tmp_path, markup):
    path = tmp_path / "bad.html"
    path.write_text(markup, encoding="utf-8")
    (item,) = list(read_path(path, CFG))
    assert isinstance(item, ReadError) and "bad.html" in item.record
