"""The model commands: eval prints the report (or JSON), train learns from an archive, classify."""

import json
import re
import shutil

from digest import pipeline as run
from digest.cli.main import main
from tests.conftest import FIXTURES, ROOT, make_settings, write_config

HELDOUT = FIXTURES / "model" / "heldout.jsonl"


def test_eval_json_has_the_documented_keys(tmp_path, capsys):
    config = write_config(tmp_path)
    assert main(["eval", str(HELDOUT), "--json", "-c", str(config)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"macro_f1_sections", "macro_f1_all", "per_label", "confusion"} <= set(report)
    assert set(report["per_label"]) == {
        "military", "political", "human_rights", "propaganda", "off_topic"
    }  # fmt: skip
    assert set(report["per_label"]["military"]) == {"precision", "recall", "f1", "support"}
    assert report["macro_f1_all"] >= 0.8  # five clear texts, written for this test


def test_eval_prints_a_readable_table(tmp_path, capsys):
    assert main(["eval", str(HELDOUT), "-c", str(write_config(tmp_path))]) == 0
    text = capsys.readouterr().out
    assert "propaganda" in text and "macro" in text.lower()


def test_eval_names_the_bad_line(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine", "label": "military"}\n{"text": "x", "label": "sport"}\n')
    assert main(["eval", str(bad), "-c", str(write_config(tmp_path))]) == 1
    assert "bad.jsonl:2:" in capsys.readouterr().err


def test_train_learns_from_an_archive_and_the_store_and_is_then_used(tmp_path, capsys):
    archive = tmp_path / "archive"
    archive.mkdir()
    seed = next((ROOT / "seeds").glob("004_*.txt"))
    shutil.copy(seed, archive / "issue.txt")
    config = write_config(tmp_path)
    assert main(["ingest", "-q", "-c", str(config)]) == 0
    assert main(["train", "--issues", str(archive), "-c", str(config)]) == 0
    captured = capsys.readouterr()
    printed = captured.out
    steps = captured.err.splitlines()  # progress: one line a step when stderr is no terminal
    assert steps[0].startswith("digest: reading the corpus")
    assert any(re.match(r"digest: 5-fold cross-validation on 528 examples", s) for s in steps)
    assert any(s.startswith("digest: fitting the model") for s in steps)
    assert steps[-1].startswith("digest: saving the model to ")
    assert "archive: 37 examples" in printed and "past issues in the store: 37" in printed
    model = tmp_path / "section_model.joblib"
    assert model.is_file() and f"model written to {model}" in printed
    assert "multilingual model, ru/be grouped cross-validation" in printed
    assert (tmp_path / "section_model_multilingual.joblib").is_file()
    from digest.label.training import current_model

    assert current_model(make_settings(tmp_path)).meta["n_examples"] == 454 + 37 + 37
    from digest.label.training import current_multilingual

    assert current_multilingual(make_settings(tmp_path)).meta["n_examples"] == 454 + 266 + 74


def test_classify_all_relabels_and_keeps_the_editors_choices(tmp_path, capsys):
    config = write_config(tmp_path)
    main(["ingest", "-q", "-c", str(config)])  # ingest labels what it stores
    store = run.open_store(make_settings(tmp_path))
    articles = [i for i in store.all_items() if i.origin == "article"]
    assert articles and all(i.section_label for i in articles)
    chosen = articles[0]
    other = next(s for s in ("propaganda", "military") if s != chosen.section_label)
    assert main(["move", str(chosen.id), other, "-c", str(config)]) == 0
    assert main(["classify", "-c", str(config)]) == 0
    assert "labelled 0 items" in capsys.readouterr().out  # nothing new since ingest
    assert main(["classify", "--all", "-c", str(config)]) == 0
    assert f"labelled {len(store.all_items())} items" in capsys.readouterr().out
    after = store.get_item(chosen.id)
    assert after.section_override == other and after.section == other
    assert after.section_label != other  # the model's label is kept apart from the choice


def test_eval_works_from_a_folder_without_a_config(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["eval", str(HELDOUT), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["per_label"]["military"]["support"] == 1


def test_quiet_train_prints_nothing_but_writes_the_model(tmp_path, capsys):
    config = write_config(tmp_path)
    assert main(["-q", "train", "-c", str(config)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert (tmp_path / "section_model.joblib").is_file()
