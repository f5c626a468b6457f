"""Audio after the server is up: each pack's audio rendered in turn, published onto the version already out."""
from __future__ import annotations

import json
import shutil

import pytest

from app.db import connect
from app.packs.audio_background import build_all_audio, read_status
from app.packs.build import build_pack
from app.packs.registry import publish, published_manifest, trusted_keys_for
from app.packs.signing import TrustError
from app.paths import default_database, keys_dir

from .audio_fixtures import fake_audio  # noqa: F401
from .conftest import ROOT, SAMPLE_PACK

FIGURES_PACK = ROOT / "tests" / "fixtures" / "packs" / "figures-6"


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    for pack in (FIGURES_PACK, SAMPLE_PACK):
        shutil.copytree(pack, folder / pack.name)
    return folder


def publish_text_only(content, packs, db):
    for folder in sorted(content.iterdir()):
        publish(db, build_pack(folder, packs), packs / "files", trusted_keys_for(db, keys_dir()))


def test_audio_is_rendered_pack_by_pack_and_amends_the_published_versions(instance, fake_audio, content):  # noqa: F811
    packs, database = instance / "packs", default_database()
    db = connect(database)
    publish_text_only(content, packs, db)
    assert "audio" not in published_manifest(db, "sample-6", "1.0.0")[1]
    lines = []
    status = build_all_audio(content, packs, database, log=lines.append)
    assert status["state"] == "done" and status["done"] == status["total"] == 2
    assert [line.split(":")[0] for line in lines] == ["audio 1/2", "audio 2/2"]
    assert "figures-6 ready" in lines[0] and "clips" in lines[0]
    assert read_status(packs)["state"] == "done"
    for pack in ("figures-6", "sample-6"):
        body = published_manifest(db, pack, "1.0.0")[1]
        assert set(body["audio"]["locales"]) == set(body["locales"])


def test_a_text_only_rebuild_keeps_the_audio_and_other_content_still_needs_a_new_version(instance, fake_audio, content):  # noqa: F811
    packs, database = instance / "packs", default_database()
    db = connect(database)
    build_all_audio(content, packs, database, log=lambda _line: None)
    trusted = trusted_keys_for(db, keys_dir())
    before = published_manifest(db, "sample-6", "1.0.0")[0]
    publish(db, build_pack(content / "sample-6", packs), packs / "files", trusted)     # text only again
    assert published_manifest(db, "sample-6", "1.0.0")[0] == before
    items = content / "sample-6" / "items" / "basics.yaml"
    items.write_text(items.read_text(encoding="utf-8").replace("difficulty: 1", "difficulty: 2", 1), encoding="utf-8")
    with pytest.raises(TrustError, match="bump the version"):
        publish(db, build_pack(content / "sample-6", packs, audio=True), packs / "files", trusted)


def test_one_pack_failing_does_not_stop_the_others(instance, fake_audio, content):  # noqa: F811
    (content / "figures-6" / "skills.yaml").write_text("- id: [broken\n", encoding="utf-8")
    lines = []
    status = build_all_audio(content, instance / "packs", None, log=lines.append)
    assert status["state"] == "failed" and [p["ok"] for p in status["packs"]] == [False, True]
    assert "figures-6 failed" in lines[0] and "sample-6 ready" in lines[1]
    assert json.loads((instance / "packs" / "audio_status.json").read_text())["packs"][0]["pack"] == "figures-6"
