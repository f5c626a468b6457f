"""`abhyas pack stats`: one pack's counts (figures and worked examples included), or a folder's packs and their total."""
from __future__ import annotations

import json
import shutil

from app.cli import main

from .conftest import ROOT, SAMPLE_PACK

FIGURES_PACK = ROOT / "tests" / "fixtures" / "packs" / "figures-6"


def stats_of(path, capsys):
    assert main(["pack", "stats", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_one_pack_counts_items_with_figures_and_worked_examples(capsys):
    stats = stats_of(FIGURES_PACK, capsys)
    assert stats["pack"] == "figures-6" and stats["items"] == 7
    assert stats["items_with_figures"] == 7 and stats["worked_examples"] == 1
    sample = stats_of(SAMPLE_PACK, capsys)
    assert sample["items_with_figures"] == 0 and sample["worked_examples"] == 0 and "total" not in sample


def test_a_folder_of_packs_gives_each_pack_and_a_total(tmp_path, capsys):
    shutil.copytree(FIGURES_PACK, tmp_path / "figures-6")
    shutil.copytree(SAMPLE_PACK, tmp_path / "sample-6")
    (tmp_path / "notes").mkdir()
    out = stats_of(tmp_path, capsys)
    assert [p["pack"] for p in out["packs"]] == ["figures-6", "sample-6"]
    total = out["total"]
    assert total["units"] == 2 and total["items"] == sum(p["items"] for p in out["packs"])
    assert total["items_with_figures"] == 7 and total["worked_examples"] == 1
    assert total["locales"] == ["en", "hi"]          # the locales every pack has
    assert total["max_bytes_br"] == max(p["bytes_br"] for p in out["packs"])


def test_a_folder_without_packs_is_one_line_and_exit_1(tmp_path, capsys):
    assert main(["pack", "stats", str(tmp_path), "--json"]) == 1
    err = capsys.readouterr().err
    assert "no pack.yaml" in err and len(err.strip().splitlines()) == 1
