"""Script conversion for NGOs: Hindi text becomes a draft Bengali locale; Tamil is refused."""
from __future__ import annotations

from app.cli import main
from app.packs.validate import validate_pack

from .conftest import SAMPLE_PACK


def test_hindi_pack_gains_a_valid_draft_bengali_locale(tmp_path, capsys):
    out = tmp_path / "sample-6"
    assert main(["pack", "convert-script", str(SAMPLE_PACK), "--from", "hi", "--to", "bn", "--out", str(out)]) == 0
    assert [str(p) for p in validate_pack(out)] == []
    text = (out / "skills.yaml").read_text(encoding="utf-8")
    assert "bn: তুল্য ভিন্ন" in text
    assert "review: draft" in (out / "pack.yaml").read_text(encoding="utf-8")


def test_tamil_is_refused_with_one_line(tmp_path, capsys):
    assert main(["pack", "convert-script", str(SAMPLE_PACK), "--from", "hi", "--to", "ta", "--out", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert "Tamil" in err and err.count("\n") == 1
