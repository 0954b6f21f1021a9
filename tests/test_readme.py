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


def test_every_subcommand_of_a_group_is_in_the_table():
    for name, command in cli.commands.items():
        rows = re.findall(rf"^\| `digest {name}\b(?:[^|\\]|\\\|)*", README, re.M)  # 1st cell
        named = set(re.findall(r"[a-z]+", " ".join(rows)))
        for sub in getattr(command, "commands", {}):
            assert sub in named, f"digest {name} {sub} is not in the README's table"
