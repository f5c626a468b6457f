"""One-file packs: they verify untouched; a changed byte, a stripped signature or a stranger's key is refused."""
from __future__ import annotations

import hashlib
import json

import pytest

from app.cli import main
from app.packs.bundle import MAGIC, bundle_pack, read_bundle, split_bundle
from app.packs.signing import TrustError, new_key, trusted_keys

from .audio_fixtures import fake_audio  # noqa: F401
from .conftest import SAMPLE_PACK


@pytest.fixture
def bundle(instance, tmp_path):
    return bundle_pack(SAMPLE_PACK, tmp_path / "sample.abhyas")


def test_an_untouched_bundle_verifies_and_holds_every_file(bundle, instance):
    body, files = read_bundle(bundle.read_bytes(), trusted_keys(instance / "keys"))
    assert body["pack"] == "sample-6"
    assert {name.split(".")[0] for name in files} == {f["sha256"] for f in body["files"]}


def test_cli_verify_accepts_and_refuses_with_one_line(bundle, tmp_path, capsys):
    assert main(["pack", "verify", str(bundle)]) == 0
    data = bytearray(bundle.read_bytes())
    data[-5] ^= 0x40
    tampered = tmp_path / "tampered.abhyas"
    tampered.write_bytes(bytes(data))
    assert main(["pack", "verify", str(tampered)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("abhyas: damaged: ")


def test_a_bundle_without_a_signature_is_refused(bundle, instance):
    data = bundle.read_bytes()
    end = data.index(b"\n", len(MAGIC))
    index = json.loads(data[len(MAGIC):end])
    index["manifest"] = {"body": index["manifest"]["body"]}
    forged = MAGIC + json.dumps(index).encode() + data[end:]
    with pytest.raises(TrustError, match="unsigned"):
        read_bundle(forged, trusted_keys(instance / "keys"))


def test_a_bundle_from_an_unknown_publisher_is_refused(instance, tmp_path):
    new_key(tmp_path / "stranger", "abhyas-test")
    stranger = bundle_pack(SAMPLE_PACK, tmp_path / "s.abhyas", key_path=tmp_path / "stranger" / "abhyas-test.key")
    with pytest.raises(TrustError, match="unknown publisher"):
        read_bundle(stranger.read_bytes(), trusted_keys(instance / "keys"))


def test_a_file_that_is_not_a_pack_is_refused(instance):
    with pytest.raises(TrustError, match="not an Abhyas pack"):
        read_bundle(b"PK\x03\x04 a zip file", trusted_keys(instance / "keys"))


def _joined(index: dict, payloads: list) -> bytes:
    for entry, payload in zip(index["files"], payloads):
        entry["length"] = len(payload)
    return MAGIC + json.dumps(index).encode() + b"\n" + b"".join(payloads)


@pytest.fixture
def audio_bundle(instance, fake_audio, tmp_path):  # noqa: F811
    return bundle_pack(SAMPLE_PACK, tmp_path / "sample-audio.abhyas", audio=True)


def test_a_bundle_with_audio_carries_every_clip_and_verifies_them(audio_bundle, instance, tmp_path):
    body, files = read_bundle(audio_bundle.read_bytes(), trusted_keys(instance / "keys"))
    names = {name.split(".")[0] for name in files}
    clips = set()
    for entry in body["audio"]["files"]:
        index = json.loads(files[f"{entry['sha256']}.json"])
        clips |= {c["sha256"] for c in index["clips"].values()}
    assert {f["role"] for f in body["audio"]["files"]} == {"audio-index"}
    assert names == {f["sha256"] for f in body["files"] + body["audio"]["files"]} | clips
    assert len(clips) > 20 and all(f"{sha}.opus" in files for sha in clips)
    assert main(["pack", "verify", str(audio_bundle)]) == 0


def test_a_bundle_with_a_clip_missing_added_or_changed_is_refused(audio_bundle, instance):
    import gzip
    keys = trusted_keys(instance / "keys")
    index, payloads = split_bundle(audio_bundle.read_bytes())
    assert index["files"][-1]["name"].endswith(".opus")
    missing = json.loads(json.dumps(index))
    missing["files"].pop()
    with pytest.raises(TrustError, match="^tampered: "):
        read_bundle(_joined(missing, payloads[:-1]), keys)

    stranger = gzip.compress(b"OggS not in any index", mtime=0)
    added = json.loads(json.dumps(index))
    added["files"].append({"sha256": hashlib.sha256(b"OggS not in any index").hexdigest(), "name": "x.opus",
                           "encoding": "gzip", "length": 0})
    with pytest.raises(TrustError, match="^tampered: "):
        read_bundle(_joined(added, payloads + [stranger]), keys)

    changed = json.loads(json.dumps(index))
    with pytest.raises(TrustError, match="^tampered: .* does not match its hash"):
        read_bundle(_joined(changed, payloads[:-1] + [gzip.compress(b"OggS changed", mtime=0)]), keys)


def test_a_bundle_whose_audio_index_was_swapped_is_refused(audio_bundle, instance):
    """The index's hash is signed: an index listing other clips cannot vouch for them."""
    import gzip
    index, payloads = split_bundle(audio_bundle.read_bytes())
    position = next(i for i, f in enumerate(index["files"]) if f["name"].endswith(".json")
                    and b'"clips"' in gzip.decompress(payloads[i]))
    doc = json.loads(gzip.decompress(payloads[position]))
    doc["clips"] = dict(list(doc["clips"].items())[:3])
    raw = json.dumps(doc).encode()
    index["files"][position]["sha256"] = hashlib.sha256(raw).hexdigest()
    payloads[position] = gzip.compress(raw, mtime=0)
    with pytest.raises(TrustError, match="^tampered: "):
        read_bundle(_joined(index, payloads), trusted_keys(instance / "keys"))
