"""Audio packs of the starter curriculum: every item speaks in every locale, as valid Opus of a sensible length."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.packs.build import build_pack
from app.speech.opus import opus_info
from app.speech.render import plausible_seconds
from app.speech.voices import voice_available

ROOT = Path(__file__).resolve().parent.parent
# One curriculum pack (every locale it has) and the figures fixture: rendering every pack's audio
# (thousands of clips in five languages) is `make packs`' work, not the test suite's.
PACKS = [ROOT / "content_packs" / "integers-6", ROOT / "tests" / "fixtures" / "packs" / "figures-6"]

pytestmark = pytest.mark.skipif(not shutil.which("espeak-ng") or not shutil.which("opusenc"),
                                reason="espeak-ng and opus-tools are installed by `make test`")


@pytest.fixture(scope="module")
def built_with_audio(tmp_path_factory):
    """Two packs built with --audio (clips come from the render cache when present)."""
    out = tmp_path_factory.mktemp("audio-build")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ABHYAS_INSTANCE", str(out / "instance"))
        manifests = {}
        for pack in PACKS:
            manifest = build_pack(pack, out, audio=True)
            manifests[pack.name] = json.loads(json.loads(manifest.read_text())["body"])
        yield out, manifests


def test_every_item_has_audio_in_every_spoken_locale(built_with_audio):
    out, manifests = built_with_audio
    for pack, body in manifests.items():
        assert {f["role"] for f in body["audio"]["files"]} == {"audio-index"}, "clips are listed in the indexes only"
        items = json.loads((out / next(f for f in body["files"] if f["role"] == "items")["path"]).read_bytes())["items"]
        for locale in body["locales"]:
            if not voice_available(locale):
                continue
            index_entry = next(f for f in body["audio"]["files"] if f["role"] == "audio-index" and f["locale"] == locale)
            clips = json.loads((out / index_entry["path"]).read_bytes())["clips"]
            missing = [i["id"] for i in items if f"{i['id']}.speak" not in clips]
            assert missing == [], f"{pack}/{locale}: items without audio: {missing[:5]}"
            assert all(f"{i['id']}.hint1" in clips for i in items)


def test_each_clip_is_valid_opus_of_sensible_length(built_with_audio):
    out, manifests = built_with_audio
    checked = 0
    for body in manifests.values():
        for locale in body["locales"]:
            index_entry = next(f for f in body["audio"]["files"] if f["role"] == "audio-index" and f["locale"] == locale)
            texts = json.loads((out / next(f for f in body["files"] if f["role"] == "text" and f["locale"] == locale)["path"]).read_bytes())
            clips = json.loads((out / index_entry["path"]).read_bytes())["clips"]
            for key, clip in list(clips.items())[::7]:  # a spread sample; the build itself verified every clip
                assert clip["path"] == f"files/{clip['sha256']}.opus"
                assert (out / clip["path"]).stat().st_size == clip["bytes"]
                info = opus_info(out / clip["path"])
                assert info["channels"] == 1
                if key.endswith(".speak"):
                    item = texts["items"][key[:-6]]
                    said = " ".join(filter(None, [(item.get("figure") or {}).get("speak"), item["speak"]]))
                    low, high = plausible_seconds(said)   # a figure is described before the question
                    assert low <= info["seconds"] <= high, key
                checked += 1
    assert checked > 100


def test_audio_rebuilds_to_the_same_bytes(built_with_audio, tmp_path):
    out, manifests = built_with_audio
    pack = PACKS[0]
    again = json.loads(json.loads(build_pack(pack, tmp_path, audio=True).read_text())["body"])
    assert again["audio"] == manifests[pack.name]["audio"]
