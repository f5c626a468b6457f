"""One-file packs: they verify untouched; a changed byte, a stripped signature or a stranger's key is refused."""
from __future__ import annotations

import json

import pytest

from app.cli import main
from app.packs.bundle import MAGIC, bundle_pack, read_bundle
from app.packs.signing import TrustError, new_key, trusted_keys

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
    assert err.count("\n") == 0 and ("damaged" in err or "SHA-256" in err)


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
