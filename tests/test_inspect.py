"""`digest extract`: the clean text of files and URLs, as text or as JSON lines for scripts."""

import json

from digest.cli.main import main
from digest.extract.check import extract_targets
from tests.conftest import ROOT

SEED_002 = next((ROOT / "seeds").glob("002_*.txt"))
PAGE = """<!doctype html><html lang="en"><head><title>Drill near Brest | Example News</title>
<meta property="article:published_time" content="2025-01-16T09:30:00+03:00"></head><body>
<nav>Home | World | Subscribe</nav><article><h1>Drill near Brest</h1>
<p>On January 16, units of the Belarusian army held a drill near Brest, the defence ministry
said, practising river crossings with pontoon bridges and armoured vehicles.</p>
<p>The ministry added that about two hundred soldiers took part and that the exercise would be
followed by another one in the Hrodna region at the end of the month.</p></article>
<footer>All rights reserved</footer></body></html>"""


def test_json_lines_for_a_file_and_a_url(server, capsys):
    server.expect_request("/drill").respond_with_data(PAGE, content_type="text/html")
    url = server.url_for("/drill")
    assert main(["extract", str(SEED_002), url, "--json"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert {"url", "title", "date", "language", "text"} <= set(first)
    assert first["date"].startswith("2025-02-15") and first["language"] == "en"
    assert "Subscribe" not in first["text"]
    assert second["url"] == url and second["title"] == "Drill near Brest"
    assert second["date"].startswith("2025-01-16") and "pontoon bridges" in second["text"]
    assert "Subscribe" not in second["text"] and "rights reserved" not in second["text"]


def test_plain_output_names_title_and_date(capsys):
    assert main(["extract", str(SEED_002)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Senior US diplomat visits Belarus") and "date: 2025-02-15" in out


def test_failures_are_named_and_the_rest_still_extracted(server, capsys):
    server.expect_request("/gone").respond_with_data("no", status=404)
    results = list(extract_targets(["missing.txt", server.url_for("/gone"), str(SEED_002)], "t"))
    assert [r.error is None for r in results] == [False, False, True]
    assert "missing.txt: no such file" in results[0].error and "404" in results[1].error
    assert main(["extract", "missing.txt", str(SEED_002)]) == 3  # partly done
    assert "1 of 2 targets could not be extracted" in capsys.readouterr().err
