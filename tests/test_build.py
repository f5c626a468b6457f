"""Building packs: same bytes from the same source; any tampering is caught."""
from __future__ import annotations

import hashlib
import json

import brotli
import pytest

from app.packs.build import PackBuildError, build_pack
from app.packs.registry import verify_artifact
from app.packs.signing import TrustError, new_key, trusted_keys

from .conftest import SAMPLE_PACK


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
