"""Config loading: the default file validates, and every mistake names file, line and field."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from digest.errors import ConfigError
from digest.settings.loading import load_settings, parse_settings

ROOT = Path(__file__).resolve().parent.parent

GOOD_HEAD = """\
sections:
  - {id: military, heading: MILITARY DEVELOPMENTS, order: 1}
sources:
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, Path("sources.yaml"))
    return str(caught.value).splitlines()


def test_default_config_validates():
    settings = load_settings(ROOT / "sources.yaml")
    assert settings.digest.title == "Belarus Review"
    assert settings.digest.timezone == "Europe/Minsk"
    assert [s.id for s in settings.ordered_sections] == [
        "military", "political", "human_rights", "propaganda"
    ]  # fmt: skip
    assert settings.digest.editors_note and settings.digest.sign_off


def test_default_config_lists_real_outlets_and_never_links_state_media():
    settings = load_settings(ROOT / "sources.yaml")
    kinds = {s.kind for s in settings.sources if s.enabled}
    assert kinds == {"file", "rss", "web", "telegram"}
    state = {s.id for s in settings.sources if not s.link}
    assert {"belta", "sb-belarus-today", "tg-belta"} <= state
    assert all(s.link for s in settings.sources if s.id in {"belsat-en", "viasna", "zerkalo"})


def test_unknown_kind_names_line_and_field():
    text = GOOD_HEAD + (
        "  - {id: a, kind: file, location: x, name: A}\n"
        "  - id: b\n"
        "    kind: rs\n"
        "    location: http://127.0.0.1/feed\n"
        "    name: B\n"
    )
    (line,) = errors_of(text)
    assert line.startswith("sources.yaml:6: sources[1].kind: unknown kind 'rs' (expected: file")


def test_every_error_is_reported_at_once():
    text = GOOD_HEAD + (
        "  - id: Bad Id\n"
        "    kind: file\n"
        "    location: x\n"
        "    name: A\n"
        "    colour: red\n"
        "digest:\n"
        "  timezone: Mars/Olympus\n"
    )
    lines = errors_of(text)
    assert any(ln.startswith("sources.yaml:4: sources[0].id:") for ln in lines)
    assert "sources.yaml:8: sources[0].colour: unknown setting" in lines
    assert any(ln.startswith("sources.yaml:10: digest.timezone: unknown time zone") for ln in lines)


def test_yaml_syntax_error_has_a_line():
    (line,) = errors_of(GOOD_HEAD + "  - id: [unclosed\n    kind: file\n")
    assert line.startswith("sources.yaml:") and "invalid YAML" in line


def test_missing_required_field_points_at_its_entry():
    (line,) = errors_of(GOOD_HEAD + "  - {id: a, kind: file, name: A}\n")
    assert line == "sources.yaml:4: sources[0].location: Field required"


def test_duplicate_source_ids_are_refused():
    lines = errors_of(GOOD_HEAD + "  - {id: a, kind: file, location: x, name: A}\n" * 2)
    assert any("duplicate source id: a" in ln for ln in lines)


def test_top_level_must_be_a_mapping():
    assert errors_of("- just\n- a list\n") == [
        "sources.yaml:1: the config must be a mapping of settings"
    ]


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_settings(tmp_path / "nope.yaml")


def test_relative_paths_resolve_against_the_config_folder(tmp_path):
    settings = parse_settings(GOOD_HEAD + "database: sqlite:///db/x.db\n", tmp_path / "c.yaml")
    assert settings.database_url == f"sqlite:///{tmp_path}/db/x.db"
    assert settings.out_dir == tmp_path / "out"


def test_settings_are_frozen():
    settings = load_settings(ROOT / "sources.yaml")
    with pytest.raises(ValidationError):
        settings.database = "sqlite://"


def test_a_source_kinds_own_options_are_checked_to_the_line():
    text = GOOD_HEAD + (
        "  - id: feed\n"
        "    kind: rss\n"
        "    location: https://news.example/feed\n"
        "    name: Feed\n"
        "    options:\n"
        "      full_text: sometimes\n"
        "      colour: red\n"
        "  - {id: page, kind: web, location: 'https://news.example/', name: Page, options: 5}\n"
    )
    lines = errors_of(text)
    assert any(
        ln.startswith("sources.yaml:9: sources[0].options.full_text: Input should be")
        for ln in lines
    )
    assert "sources.yaml:10: sources[0].options.colour: unknown setting" in lines
    assert any(ln.startswith("sources.yaml:11: sources[1].options:") for ln in lines)


def test_site_url_is_checked_and_ends_with_a_slash(tmp_path):
    from digest.errors import ConfigError
    from digest.settings.loading import parse_settings

    base = "sections: [{id: military, heading: MILITARY, order: 1}]\n"
    good = parse_settings(base + "site_url: https://review.example.org/b", tmp_path / "s.yaml")
    assert good.site_url == "https://review.example.org/b/"
    with pytest.raises(ConfigError, match=r"s\.yaml:2: site_url: site_url must be an http"):
        parse_settings(base + "site_url: ftp://x.example/", tmp_path / "s.yaml")
