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
