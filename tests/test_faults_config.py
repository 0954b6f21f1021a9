"""Hostile and broken configuration files: each is refused fast, in one line, at its line.

The files are under tests/fixtures/config_faults/ (the large ones are made here). They are all
loaded in one child process whose memory is capped at 2 GB and whose every case is cut off by an
alarm after CUTOFF seconds, so a loader that expands an alias bomb or parses for minutes fails
the test instead of taking the machine down. Each case must be refused within FAST seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "config_faults"
FAST = 3.0  # seconds a refusal may take on a busy two-core machine (most take milliseconds)
CUTOFF = 20  # seconds after which the child gives a case up as hanging
HEAD = "sections:\n  - {id: military, heading: MILITARY DEVELOPMENTS, order: 1}\n"

# fixture file -> the message after "<path>"; every one is a single line
EXPECTED = {
    "alias_bomb.yaml": ":9: aliases expand the config to more than 100000 values",
    "alias_loop.yaml": ":5: an alias refers to the value that contains it",
    "deep_flow.yaml": ":4: nested too deeply (more than 50 levels)",
    "deep_block.yaml": ":53: nested too deeply (more than 50 levels)",
    "deep_by_aliases.yaml": ":14: nested too deeply (more than 50 levels)",
    "duplicate_source.yaml": ":13: sources[2].id: duplicate source id: feed-a (first at line 5)",
    "duplicate_section.yaml": (
        ":5: sections[2].id: duplicate section id: political (first at line 4)"
    ),
    "duplicate_key.yaml": ":6: duplicate key 'database' (first at line 4)",
    "url_no_scheme.yaml": (
        ":7: sources[0].location: 'news.example.org/feed.xml' is not an http(s) URL "
        "(no scheme; expected e.g. https://example.org/feed)"
    ),
    "url_ftp.yaml": (
        ":7: sources[0].location: 'ftp://news.example.org/feed.xml' is not an http(s) URL "
        "(scheme 'ftp'; expected e.g. https://example.org/feed)"
    ),
    "url_no_host.yaml": ":7: sources[0].location: 'http:///news/' has no host name",
    "url_file.yaml": (
        ":7: sources[0].location: 'file:///etc/passwd' is not an http(s) URL "
        "(scheme 'file'; expected e.g. https://example.org/feed)"
    ),
    "url_javascript.yaml": (
        ":7: sources[0].location: 'javascript:alert(1)' is not an http(s) URL "
        "(scheme 'javascript'; expected e.g. https://example.org/feed)"
    ),
    "url_space.yaml": (
        ":7: sources[0].location: 'https://news.example .org/' is not a usable URL: "
        "it contains spaces or control characters"
    ),
    "url_bad_port.yaml": (
        ":7: sources[0].location: 'https://news.example.org:99999/feed' is not a usable URL: "
        "Port out of range 0-65535"
    ),
    "telegram_not_tme.yaml": (
        ":7: sources[0].location: 'https://chat.example.org/s/channel' is not a Telegram "
        "channel name, @name or https://t.me/s/name URL"
    ),
    "telegram_base_url.yaml": (
        ":9: sources[0].options.base_url: 't.me' is not an http(s) URL "
        "(no scheme; expected e.g. https://example.org/feed)"
    ),
    "timeout_infinite.yaml": ":5: fetch.timeout: Input should be a finite number",
    "timeout_nan.yaml": ":5: fetch.timeout: Input should be a finite number",
    "timeout_negative.yaml": ":5: fetch.timeout: Input should be greater than 0",
    "timeout_absurd.yaml": ":5: fetch.timeout: Input should be less than or equal to 3600",
    "retries_infinite.yaml": (
        ":5: fetch.retries: Input should be a valid integer, unable to parse string as an integer"
    ),
    "smtp_timeout_inf.yaml": ":7: delivery.smtp.timeout: Input should be a finite number",
    "grace_negative.yaml": (
        ":7: delivery.schedule.misfire_grace_hours: Input should be greater than 0"
    ),
    "python_tag.yaml": (
        ":4: invalid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'"
    ),
    "unhashable_key.yaml": ":4: invalid YAML: while constructing a mapping, found unhashable key",
    "two_documents.yaml": (
        ":4: invalid YAML: expected a single document in the stream, but found another document"
    ),
    "not_utf8.yaml": ":5: the config is not UTF-8 text (byte 0xe9)",
}

TOO_BIG = ": the config file is larger than 1 MB; refusing to read it"
# made here: (file name, its content or None for a device, the message after "<path>")
GENERATED = {
    "too_big.yaml": (HEAD + "# " + "x" * 1_100_000 + "\n", TOO_BIG),
    "brackets.yaml": (HEAD + "topic: {terms: " + "[" * 400_000 + "}\n",
                      ":3: nested too deeply (more than 50 levels)"),
    "many_aliases.yaml": (HEAD + "x: &x minsk\ntopic:\n  terms:\n" + "    - *x\n" * 1001,
                          ":1006: more than 1000 aliases; refusing to expand them"),
    "many_values.yaml": (HEAD + "topic:\n  terms: [" + "a," * 120_000 + "]\n",
                         ":4: the config holds more than 100000 values"),
}  # fmt: skip

CHILD = """
import json, resource, signal, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
from digest.errors import ConfigError
from digest.settings.loading import load_settings

class Hung(Exception):
    pass

def hung(*_):
    raise Hung()

signal.signal(signal.SIGALRM, hung)
for path in json.loads(sys.stdin.read()):
    started = time.monotonic()
    signal.alarm(int(sys.argv[1]))
    try:
        load_settings(path)
        outcome = "accepted"
    except ConfigError as exc:
        outcome = "refused: " + str(exc)
    except Hung:
        outcome = "hung"
    except BaseException as exc:
        outcome = "crashed: " + type(exc).__name__ + ": " + str(exc)[:300]
    finally:
        signal.alarm(0)
    print(json.dumps([path, outcome, time.monotonic() - started]), flush=True)
"""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, tuple[str, float]]:
    """Every case loaded once in a capped child: file name -> (outcome, seconds)."""
    folder = tmp_path_factory.mktemp("config_faults")
    paths = [str(FIXTURES / name) for name in EXPECTED]
    for name, (text, _) in GENERATED.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(str(folder / name))
    paths.append("/dev/zero")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(CUTOFF)],
        input=json.dumps(paths),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=CUTOFF * len(paths) + 120,
    )
    found = {}
    for line in done.stdout.splitlines():
        path, outcome, seconds = json.loads(line)
        found[path] = (outcome, seconds)
    assert len(found) == len(paths), done.stderr[-2000:]
    return found


def _expect(outcomes: dict, path: str, message: str, limit: float = FAST) -> None:
    """The case was refused with exactly this one line, within `limit` seconds."""
    outcome, seconds = outcomes[path]
    assert outcome == f"refused: {message}"
    assert "\n" not in message
    assert seconds < limit, f"{path} took {seconds:.1f} s"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_or_hostile_fixture_is_refused_fast_in_one_line(outcomes, name):
    path = str(FIXTURES / name)
    _expect(outcomes, path, path + EXPECTED[name])


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_a_huge_or_deep_generated_file_is_refused_fast_in_one_line(outcomes, name):
    path = next(p for p in outcomes if p.endswith("/" + name))
    # composing 100,000 values in Python takes a few seconds: the value cap bounds it
    limit = 10 * FAST if name == "many_values.yaml" else FAST
    _expect(outcomes, path, path + GENERATED[name][1], limit)


def test_a_device_that_never_ends_is_refused_at_the_size_limit(outcomes):
    _expect(outcomes, "/dev/zero", "/dev/zero" + TOO_BIG)


def test_the_command_line_shows_a_refusal_as_one_error_line(tmp_path):
    bomb = FIXTURES / "alias_bomb.yaml"
    script = Path(sys.executable).parent / "digest"
    done = subprocess.run(
        [str(script), "sources", "-c", str(bomb)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert done.stderr.strip() == f"digest: error: {bomb}{EXPECTED['alias_bomb.yaml']}"


def test_anchors_merge_keys_and_good_addresses_within_the_limits_still_load(tmp_path):
    from digest.settings.loading import parse_settings

    text = HEAD + (
        "sources:\n"
        "  - &feed {id: one, kind: rss, location: 'https://one.example.org/f', name: A}\n"
        "  - {<<: *feed, id: two, location: 'http://127.0.0.1:8080/feed', name: Two}\n"
        "  - {id: chan, kind: telegram, location: '@some_channel', name: Channel}\n"
        "  - {id: chan2, kind: telegram, location: 'https://t.me/s/other_one', name: Other,\n"
        "     options: {base_url: 'http://127.0.0.1:9000'}}\n"
        "  - {id: page, kind: web, location: 'http://[::1]:8080/news', name: Page}\n"
        "fetch: {timeout: 0.5, backoff: 0}\n"
    )
    settings = parse_settings(text, tmp_path / "c.yaml")
    assert [(s.id, s.kind, s.location) for s in settings.sources] == [
        ("one", "rss", "https://one.example.org/f"),
        ("two", "rss", "http://127.0.0.1:8080/feed"),
        ("chan", "telegram", "@some_channel"),
        ("chan2", "telegram", "https://t.me/s/other_one"),
        ("page", "web", "http://[::1]:8080/news"),
    ]
    assert settings.sources[1].name == "Two" and settings.fetch.timeout == 0.5
