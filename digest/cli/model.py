"""The section model's commands: classify, train and eval (declarations only)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from digest import pipeline as run
from digest.cli.common import common, out
from digest.settings.loading import DEFAULT_CONFIG, load_settings
from digest.settings.schema import Settings


@click.command()
@click.option("--all", "everything", is_flag=True, help="Re-label every item, not only new ones.")
@common
def classify(settings: Settings, everything: bool) -> None:
    """Label stored items with the section model; the editor's choices are never touched.

    Example: digest classify --all
    """
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
    from digest.label.training import retrain

    done = retrain(settings, run.open_store(settings), issues_dir)
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
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Configuration whose trained model to use [default: ./sources.yaml if it "
                   "exists, else the shipped model].")  # fmt: skip
def evaluate(file: Path, as_json: bool, config_path: Path | None) -> None:
    """Score the model on a JSON-lines file of {"text", "label"} objects.

    Example: digest eval held-out.jsonl --json
    """
    from digest.label.model import evaluate as score
    from digest.label.model import format_report, load_default, read_jsonl
    from digest.label.training import current_model

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
