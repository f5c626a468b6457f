"""Building packs: same bytes from the same source; any tampering is caught."""
from __future__ import annotations

import hashlib
import json

import brotli
import pytest

from app.packs.build import PackBuildError, build_pack
from app.packs.registry import verify_artifact
from app.packs.signing import TrustError, new_key, trusted_keys

from .audio_fixtures import audio_index, body_of, fake_audio  # noqa: F401
from .conftest import ROOT, SAMPLE_PACK


@pytest.fixture
def built(instance, tmp_path):
    out = tmp_path / "out"
    manifest = build_pack(SAMPLE_PACK, out)
    return out, manifest


def test_same_source_builds_the_same_bytes(instance, tmp_path):
    first = build_pack(SAMPLE_PACK, tmp_path / "a")
    second = build_pack(SAMPLE_PACK, tmp_path / "b")
    files_a = {p.name: p.read_bytes() for p in (tmp_path / "a" / "files").iterdir()}
    files_b = {p.name: p.read_bytes() for p in (tmp_path / "b" / "files").iterdir()}
    assert files_a == files_b and len(files_a) >= 9
    assert first.read_bytes() == second.read_bytes()


def test_files_are_named_by_their_hash_and_precompressed(built):
    out, manifest = built
    body = json.loads(json.loads(manifest.read_text())["body"])
    roles = sorted((f["role"], f.get("locale", "")) for f in body["files"])
    assert roles == [("items", ""), ("meta", ""), ("roman", "hi"), ("roman", "ta"),
                     ("text", "en"), ("text", "hi"), ("text", "ta")]
    for entry in body["files"]:
        raw = (out / entry["path"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
        assert brotli.decompress((out / (entry["path"] + ".br")).read_bytes()) == raw
        assert entry["bytes_br"] < entry["bytes"]


def test_untouched_artifact_verifies(built, instance):
    out, manifest = built
    body = verify_artifact(manifest.read_bytes(), out / "files", trusted_keys(instance / "keys"))
    assert body["pack"] == "sample-6" and body["version"] == "1.0.0"


def test_a_changed_byte_in_a_file_is_caught(built, instance):
    out, manifest = built
    body = json.loads(json.loads(manifest.read_text())["body"])
    target = out / body["files"][1]["path"]
    data = bytearray(target.read_bytes())
    data[10] ^= 1
    target.write_bytes(bytes(data))
    with pytest.raises(TrustError, match="does not match its SHA-256"):
        verify_artifact(manifest.read_bytes(), out / "files", trusted_keys(instance / "keys"))


def test_a_changed_manifest_is_caught(built, instance):
    out, manifest = built
    envelope = json.loads(manifest.read_text())
    envelope["body"] = envelope["body"].replace('"version":"1.0.0"', '"version":"1.0.1"')
    with pytest.raises(TrustError, match="signature does not verify"):
        verify_artifact(json.dumps(envelope).encode(), out / "files", trusted_keys(instance / "keys"))


def test_an_unsigned_manifest_is_refused(built, instance):
    out, manifest = built
    envelope = json.loads(manifest.read_text())
    with pytest.raises(TrustError, match="unsigned"):
        verify_artifact(envelope["body"].encode(), out / "files", trusted_keys(instance / "keys"))


def test_a_wrong_key_is_refused(instance, tmp_path):
    other = tmp_path / "other-keys"
    new_key(other, "abhyas-test")
    manifest = build_pack(SAMPLE_PACK, tmp_path / "out", key_path=other / "abhyas-test.key")
    with pytest.raises(TrustError, match="unknown publisher key"):
        verify_artifact(manifest.read_bytes(), tmp_path / "out" / "files", trusted_keys(instance / "keys"))


def test_a_key_of_another_publisher_cannot_sign(instance, tmp_path):
    new_key(tmp_path / "k", "someone-else")
    with pytest.raises(TrustError, match="belongs to 'someone-else'"):
        build_pack(SAMPLE_PACK, tmp_path / "out", key_path=tmp_path / "k" / "someone-else.key")


def test_a_broken_pack_does_not_build(pack_copy, instance, tmp_path):
    pack_copy.edit("items/basics.yaml", 'answer: "3/4"', 'answer: "3/0"')
    with pytest.raises(PackBuildError, match=r"basics.yaml:\d+: .*does not parse"):
        build_pack(pack_copy, tmp_path / "out")


def test_indic_text_also_ships_in_roman_letters(built):
    out, manifest = built
    body = json.loads(json.loads(manifest.read_text())["body"])
    [roman] = [f for f in body["files"] if f["role"] == "roman" and f["locale"] == "hi"]
    doc = json.loads((out / roman["path"]).read_bytes())
    assert doc["items"]["sample-add-1"]["text"].startswith("mina ne 1/4 roti khai")
    assert all(ord(ch) < 0x0900 for ch in doc["items"]["sample-add-1"]["text"])


# Audio (format 2): the signed manifest lists one index per locale; each index lists its clips.


@pytest.fixture
def built_audio(instance, fake_audio, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    return out, build_pack(SAMPLE_PACK, out, audio=True)


def test_the_manifest_lists_audio_indexes_and_each_index_its_clips(built_audio, instance):
    out, manifest = built_audio
    body = body_of(manifest)
    assert body["format"] == 2
    audio = body["audio"]
    assert [(f["role"], f["locale"]) for f in audio["files"]] == [("audio-index", loc) for loc in ("en", "hi", "ta")]
    assert ".opus" not in manifest.read_text(), "no clip is named in the manifest"
    for entry in audio["files"]:
        raw = (out / entry["path"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"] and entry["bytes"] == len(raw)
        assert brotli.decompress((out / (entry["path"] + ".br")).read_bytes()) == raw
        assert entry["bytes_br"] == len((out / (entry["path"] + ".br")).read_bytes())
        clips = audio_index(out, entry)["clips"]
        assert "sample-add-1.speak" in clips and entry["clips"] == len(clips)
        for clip in clips.values():
            data = (out / clip["path"]).read_bytes()
            assert clip["path"] == f"files/{clip['sha256']}.opus"
            assert hashlib.sha256(data).hexdigest() == clip["sha256"] and clip["bytes"] == len(data)
        unique = {c["sha256"]: c["bytes"] for c in clips.values()}
        assert entry["clip_bytes"] == sum(unique.values())
        summary = audio["locales"][entry["locale"]]
        assert summary == {"index": entry["path"], "clips": len(clips), "clip_bytes": entry["clip_bytes"],
                           "bytes": entry["clip_bytes"] + entry["bytes_br"]}
    assert verify_artifact(manifest.read_bytes(), out / "files", trusted_keys(instance / "keys"))["pack"] == "sample-6"


def test_same_source_with_audio_builds_the_same_bytes(instance, fake_audio, tmp_path):  # noqa: F811
    first = build_pack(SAMPLE_PACK, tmp_path / "a", audio=True)
    second = build_pack(SAMPLE_PACK, tmp_path / "b", audio=True)
    files_a = {p.name: p.read_bytes() for p in (tmp_path / "a" / "files").iterdir()}
    files_b = {p.name: p.read_bytes() for p in (tmp_path / "b" / "files").iterdir()}
    assert files_a == files_b and sum(name.endswith(".opus") for name in files_a) > 20
    assert first.read_bytes() == second.read_bytes()


def _a_clip(out, manifest) -> tuple:
    entry = body_of(manifest)["audio"]["files"][1]
    clip = next(iter(audio_index(out, entry)["clips"].values()))
    return entry, out / clip["path"]


def test_a_changed_or_missing_clip_is_caught_through_its_index(built_audio, instance):
    out, manifest = built_audio
    keys = trusted_keys(instance / "keys")
    _entry, clip = _a_clip(out, manifest)
    original = clip.read_bytes()
    clip.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(TrustError, match=f"{clip.name}: content does not match its SHA-256"):
        verify_artifact(manifest.read_bytes(), out / "files", keys)
    clip.unlink()
    with pytest.raises(TrustError, match=f"{clip.name}: listed in the manifest but missing"):
        verify_artifact(manifest.read_bytes(), out / "files", keys)


def test_a_changed_audio_index_is_caught(built_audio, instance):
    out, manifest = built_audio
    entry, _clip = _a_clip(out, manifest)
    index = out / entry["path"]
    index.write_bytes(index.read_bytes().replace(b'"seconds":', b'"seconds" :', 1))
    with pytest.raises(TrustError, match="does not match its SHA-256"):
        verify_artifact(manifest.read_bytes(), out / "files", trusted_keys(instance / "keys"))


def test_an_index_naming_a_clip_by_another_path_is_refused(built_audio, instance):
    """Even a signed index may only point at content-addressed clip files."""
    from app.packs.files import canonical_json, write_content_file
    from app.packs.signing import instance_key, sign_manifest
    out, manifest = built_audio
    body = body_of(manifest)
    entry = body["audio"]["files"][0]
    doc = audio_index(out, entry)
    key = next(iter(doc["clips"]))
    doc["clips"][key] = dict(doc["clips"][key], path="files/../../secret.opus")
    forged = write_content_file(out / "files", canonical_json(doc))
    body["audio"]["files"][0] = dict(entry, **forged)
    body.pop("key_id")
    signed = sign_manifest(body, instance_key("abhyas-test"))
    with pytest.raises(TrustError, match="path that is not its hash"):
        verify_artifact(signed, out / "files", trusted_keys(instance / "keys"))


def test_figures_are_drawn_into_each_locale_text_and_numeric_items_needing_a_slash_say_so(tmp_path):
    from app.packs.compile import item_record, items_document, text_document
    from app.packs.source import Problems
    from app.packs.validate import load_pack
    pack = load_pack(ROOT / "tests" / "fixtures" / "packs" / "figures-6", Problems())
    records = {r["id"]: r for r in items_document(pack)["items"]}
    # One drawing for every locale, in the items document; its words are tokens each locale's text fills.
    shared = records["fig-graph-1"]["figure"]["svg"]
    assert shared.startswith("<svg") and 'role="img"' in shared and "aria-label" not in shared and "সোম" not in shared
    bn = text_document(pack, "bn")["items"]["fig-graph-1"]["figure"]
    assert "svg" not in bn and bn["labels"] == ["পড়া বই", "সোম", "মঙ্গল", "বুধ", "বই"]
    assert shared.count("\ue000") == len(bn["labels"])
    assert bn["alt"].startswith("পড়া বইয়ের স্তম্ভলেখ") and bn["speak"] == bn["alt"]   # no speak given: the alt is read
    assert records["fig-bar-1"]["figure"]["kind"] == "fraction_bar" and "labels" not in text_document(pack, "hi")["items"]["fig-bar-1"]["figure"]
    assert text_document(pack, "en")["items"]["fig-bar-1"]["figure"]["speak"] == "A bar cut into 5 equal parts. 3 parts are shaded."
    numeric = {"id": "n", "skill": "s", "kind": "numeric", "difficulty": 1, "seconds": 9, "answer": "15"}
    assert "keypad" not in item_record({**numeric, "wrong": [{"answer": "5", "misconception": "m"}, {"answer": "2.5", "misconception": "m"}]})
    assert item_record({**numeric, "wrong": [{"answer": "80/3", "misconception": "m"}]})["keypad"] == "fraction"
    assert item_record({**numeric, "answer": "2/3"})["keypad"] == "fraction"


def test_the_read_aloud_clip_describes_the_figure_before_the_question():
    from app.packs.audio import audio_entries
    from app.packs.source import Problems
    from app.packs.validate import load_pack
    pack = load_pack(ROOT / "tests" / "fixtures" / "packs" / "figures-6", Problems())
    said = {(key, locale): text for key, text, locale in audio_entries(pack)}
    assert said[("fig-bar-1.speak", "hi")] == "5 बराबर भागों में बँटी पट्टी। 3 भाग रंगे हैं। पट्टी का कितना भाग रंगा है?"
    assert said[("fig-graph-1.speak", "en")].startswith("A bar graph of books read: Monday 4")


def test_worked_examples_have_a_clip_per_skill_and_number():
    from app.packs.audio import audio_entries
    from app.packs.source import Problems
    from app.packs.validate import load_pack
    pack = load_pack(ROOT / "tests" / "fixtures" / "packs" / "figures-6", Problems())
    said = {(key, locale): text for key, text, locale in audio_entries(pack)}
    assert said[("fig.fractions.example1", "hi")].startswith("4 बराबर भागों वाली पट्टी, 3 भाग रंगे। पट्टी का कितना भाग रंगा है?")
    assert "3 बटा 4" in said[("fig.fractions.example1", "hi")] and not [k for k, _ in said if k.startswith("fig.shapes.example")]
