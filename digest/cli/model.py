"""The section model's commands: classify, train and eval (declarations only)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from digest.cli.common import common, err, global_options, options, out
from digest.settings import DEFAULT_CONFIG

if TYPE_CHECKING:
    from digest.settings.schema import Settings


@click.command()
@click.option("--all", "everything", is_flag=True, help="Re-label every item, not only new ones.")
@common
def classify(settings: Settings, everything: bool) -> None:
    """Label stored items with the section model; the editor's choices are never touched.

    Example: digest classify --all
    """
    from digest import pipeline as run

    count = run.classify(settings, run.open_store(settings), everything=everything)
    out.print(f"labelled {count} items")


@click.command()
@click.option("--issues", "issues_dir", type=click.Path(file_okay=False, path_type=Path),
              help="A folder of past issues of the review to learn from as well.")  # fmt: skip
@common
def train(settings: Settings, issues_dir: Path | None) -> None:
    """Retrain the section model on the corpus, past issues and the editor's corrections.

    Example: digest train --issues archive/
    """
    from digest import pipeline as run
    from digest.cli.progress import step_progress
    from digest.label.training import retrain

    with step_progress(err.console, disable=options().quiet) as step:
        done = retrain(settings, run.open_store(settings), issues_dir, progress=step)
    for origin, count in done.counts.items():
        out.print(f"{origin}: {count} examples")
    cv = done.model.meta["cv"]
    out.print(
        f"{cv['folds']}-fold grouped cross-validation: macro-F1 sections "
        f"{cv['macro_f1_sections']:.3f}, all labels {cv['macro_f1_all']:.3f}; "
        f"review threshold {done.model.meta['threshold']:.2f}"
    )
    if done.multilingual is not None:
        cv = done.multilingual.meta["cv"]
        out.print(
            f"multilingual model, ru/be grouped cross-validation: macro-F1 sections "
            f"{cv['all']['macro_f1_sections']:.3f} (ru {cv['ru']['macro_f1_sections']:.3f}, "
            f"be {cv['be']['macro_f1_sections']:.3f}), all labels {cv['all']['macro_f1_all']:.3f}"
        )
    out.print(f"model written to {done.path}")


@click.command("eval")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@global_options
def evaluate(file: Path, as_json: bool) -> None:
    """Score the model on a JSON-lines file of {"text", "label"} objects.

    The model is the one trained for the configuration (-c, else ./sources.yaml if it exists),
    else the shipped model.

    Example: digest eval held-out.jsonl --json
    """
    import json

    from digest.label.model import evaluate as score
    from digest.label.model import format_report, load_default, read_jsonl
    from digest.label.training import current_model
    from digest.settings.loading import load_settings

    config_path = options().config
    examples = read_jsonl(file)
    default = Path(DEFAULT_CONFIG)
    if config_path or default.is_file():
        model = current_model(load_settings(config_path or default))
    else:
        model = load_default()
    report = score(model, examples)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, sort_keys=True))
    else:
        click.echo(format_report(report))


COMMANDS = (classify, train, evaluate)
