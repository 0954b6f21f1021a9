"""Starting out: `digest init`, `digest check SOURCE` and `digest config` (declarations only)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from digest.cli.common import common, global_options, out
from digest.errors import DigestError, InputError, PartialFailure
from digest.settings import DEFAULT_CONFIG

if TYPE_CHECKING:
    from digest.settings.schema import Settings
    from digest.trial import Trial

TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "init-sources.yaml"
FOLDERS = ("inbox", "out")
MASK = "********"


@click.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@global_options
def init(directory: Path) -> None:
    """Start a digest in DIRECTORY: a commented sources.yaml, and its inbox/ and out/ folders.

    An existing sources.yaml is never overwritten.

    Example: digest init my-review
    """
    from digest.settings.loading import parse_settings

    target = directory / DEFAULT_CONFIG
    if target.exists():
        raise InputError(f"{target} already exists: not overwritten (edit it, or init elsewhere)")
    text = TEMPLATE.read_text(encoding="utf-8")
    parse_settings(text, target)  # the template itself must always be a working config
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name in FOLDERS:
            (directory / name).mkdir(exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:  # "x": never over a file made meanwhile
            handle.write(text)
    except FileExistsError as exc:
        raise InputError(f"{target} already exists: not overwritten") from exc
    except OSError as exc:
        raise DigestError(f"{directory}: cannot set up ({exc.strerror})") from exc
    out.print(f"wrote {target} and the folders {', '.join(FOLDERS)}", markup=False)
    out.print(f"next: put articles in {directory / 'inbox'}, then: digest check inbox")


@click.command("check")
@click.argument("source_id", metavar="SOURCE")
@click.option("--items", default=2, show_default=True, type=click.IntRange(1, 50),
              help="How many items to try.")  # fmt: skip
@common
def check(settings: Settings, source_id: str, items: int) -> None:
    """Try a source now: fetch a few items, extract and label them, print them; store NOTHING.

    Works on disabled sources too, to try one before enabling it.

    Example: digest check belta --items 3
    """
    from digest.trial import try_source

    trials = try_source(settings, source_id, items)
    if not trials:
        raise DigestError(f"source '{source_id}' gave no documents")
    for n, trial in enumerate(trials, 1):
        click.echo("\n".join(trial_lines(n, trial)) + "\n")
    out.print(f"{len(trials)} tried from '{source_id}'; nothing was stored", markup=False)
    failed = sum(t.error is not None for t in trials)
    if failed:
        kind = DigestError if failed == len(trials) else PartialFailure
        raise kind(f"{failed} of {len(trials)} documents of '{source_id}' could not be read")


def trial_lines(n: int, trial: Trial) -> list[str]:
    """What would be stored for one tried document, a field a line."""
    if trial.item is None:
        return [f"{n}. {trial.where}", f"   error: {trial.error}"]
    item = trial.item
    when = item.published.isoformat() if item.published else "no date"
    note = f"; {item.date_note}" if item.date_note else ""
    if trial.label is not None:
        score = f" {trial.score:.2f}" if trial.score is not None else " (given by the issue)"
        topic = "on topic" if trial.on_topic else "off topic: left out of issues"
        label = f"{trial.label}{score}, {topic}"
    else:
        label = f"not labelled ({trial.unlabelled})"
    words = " ".join(item.text.split()[:40])
    return [
        f"{n}. {item.title or '(no title)'}",
        f"   from:     {item.url or trial.where}",
        f"   date:     {when} ({item.date_method}{note})",
        f"   language: {item.language or 'unknown'}",
        f"   label:    {label}",
        f"   text:     {words}{' …' if len(item.text.split()) > 40 else ''}",
    ]


@click.command("config")
@common
def config(settings: Settings) -> None:
    """Print the effective settings (defaults filled in) as YAML, secrets masked.

    Password hashes are masked, a database password too; the *_env settings name the
    environment variable that holds a secret, never its value.

    Example: digest config -c /etc/digest/sources.yaml
    """
    import yaml

    data = masked(settings.model_dump(mode="json"))
    click.echo("# the effective settings; secrets masked")
    click.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), nl=False)


def masked(value: Any, key: str = "") -> Any:
    """Settings data with secrets replaced: hashes and passwords masked, *_env names kept."""
    if isinstance(value, dict):
        return {k: masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, key) for v in value]
    if key.endswith("_env"):
        return value  # the variable's name, never its value
    if re.search(r"password|secret|token", key) and value:
        return MASK
    if key == "database" and isinstance(value, str):
        return re.sub(r"^([a-z0-9+]+://[^:/@]*):[^@]*@", rf"\1:{MASK}@", value)
    return value


COMMANDS = (init, check, config)
