import json

from typer.testing import CliRunner

from eventwire.cli import app

runner = CliRunner()
GOOD = "date 2024-03-14\nPolice arrested the opposition leader in Nairobi on Monday, officials said."


def test_code_writes_jsonl_with_the_exact_record_keys(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "events.jsonl"
    result = runner.invoke(app, ["code", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and rows[0]["event"] == "COERCE"
    keys = {"id", "article_id", "event", "mode", "context", "quad_code", "cameo", "goldstein", "date",
            "date_precision", "actor", "recipient", "event_loc", "event_text", "evidence", "confidence",
            "negated", "hypothetical", "historical"}
    assert keys <= set(rows[0])
    assert rows[0]["date"] == "2024-03-11" and rows[0]["article_id"] == "a"
    assert {"text", "name", "country", "sector", "code"} <= set(rows[0]["actor"][0])
    assert rows[0]["event_loc"]["resolved_place"] == "Nairobi"


def test_bad_records_are_named_the_rest_is_coded_and_exit_status_says_so(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "junk.txt").write_bytes(b"\x00\xff\xfe" * 100)
    (tmp_path / "baddate.txt").write_text("date 2024-02-30\nPolice arrested a man.", encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text(
        json.dumps({"id": "j1", "date": "2024-03-14", "text": GOOD.split("\n", 1)[1]}) + "\n{oops\n",
        encoding="utf-8")
    result = runner.invoke(app, ["code", str(tmp_path)])
    assert result.exit_code == 1
    out = result.stdout
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert {e["article_id"] for e in events} == {"good", "j1"}
    err = result.stderr
    assert "empty.txt: read: empty article" in err
    assert "junk.txt: read: binary" in err
    assert "baddate.txt: read: malformed date" in err
    assert "lines.jsonl:2: read: invalid JSON" in err
    assert "2 article(s) coded" in err and "4 failed" in err


def test_stdin_and_table_format():
    result = runner.invoke(app, ["code", "-", "--format", "table"], input=GOOD)
    assert result.exit_code == 0, result.output
    assert "COERCE" in result.stdout and "Nairobi" in result.stdout


def test_missing_date_warns_but_codes():
    result = runner.invoke(app, ["code", "-"], input="Police arrested the opposition leader in Nairobi.")
    assert result.exit_code == 0
    assert "no publication date" in result.stderr
    assert json.loads(result.stdout.splitlines()[0])["event"] == "COERCE"


def test_huge_article_is_rejected_by_the_configurable_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("date 2024-01-01\n" + "Police arrested a man in the city. " * 160_000, encoding="utf-8")  # ~5.4 MB
    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["code", str(tmp_path)])
    assert result.exit_code == 1
    assert "big.txt: read: article too long" in result.stderr and "1 article(s) coded" in result.stderr
    result = runner.invoke(app, ["code", str(tmp_path / "ok.txt"), "--max-chars", "20"])
    assert "too long" in result.stderr
