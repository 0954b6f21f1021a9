"""The README's promises: its configuration example validates and its commands exist."""

import re
from pathlib import Path

from digest.cli.main import cli
from digest.settings.loading import parse_settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_configuration_example_validates(tmp_path):
    block = re.search(r"```yaml\n(.*?)```", README, re.S).group(1)
    settings = parse_settings(block.replace(": ...", ": x"), tmp_path / "sources.yaml")
    assert settings.delivery.smtp.security == "starttls"
    assert not settings.source("belta").link


def test_every_command_in_the_table_exists():
    named = set(re.findall(r"^\| `digest ([a-z-]+)", README, re.M))
    assert named and named <= set(cli.commands), named - set(cli.commands)
    assert set(cli.commands) <= named | {"exclude"}  # exclude shares move's row
