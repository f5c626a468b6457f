"""Publishing: registered publishers' bundles are listed with their changes; strangers' are refused."""
from __future__ import annotations

import base64
import json
import shutil

import pytest

from app.db import connect
from app.packs.bundle import bundle_pack
from app.packs.publishing import catalogue, publish_bundle, register_publisher_key
from app.packs.signing import TrustError, new_key

from .audio_fixtures import fake_audio  # noqa: F401
from .conftest import SAMPLE_PACK


@pytest.fixture
def ngo(tmp_path, instance):
    keys = tmp_path / "ngo-keys"
    new_key(keys, "abhyas-test")
    db = connect()
    public = json.loads((keys / "abhyas-test.pub").read_text())["public"]
    return {"db": db, "key": keys / "abhyas-test.key", "public": public, "packs": instance / "packs",
            "keys": instance / "keys"}


def test_a_registered_publisher_can_publish_and_update_with_a_delta(ngo, tmp_path):
    register_publisher_key(ngo["db"], "abhyas-test", ngo["public"], admin_id=None)
    first = bundle_pack(SAMPLE_PACK, tmp_path / "v1.abhyas", key_path=ngo["key"])
    publish_bundle(ngo["db"], first.read_bytes(), ngo["packs"], ngo["keys"])
    source = tmp_path / "src" / "sample-6"
    shutil.copytree(SAMPLE_PACK, source)
    pack_yaml = source / "pack.yaml"
    pack_yaml.write_text(pack_yaml.read_text().replace("version: 1.0.0", "version: 1.1.0"))
    basics = source / "items" / "basics.yaml"
    basics.write_text(basics.read_text().replace("How much did she eat?", "How much roti did she eat in all?"))
    second = bundle_pack(source, tmp_path / "v2.abhyas", key_path=ngo["key"])
    publish_bundle(ngo["db"], second.read_bytes(), ngo["packs"], ngo["keys"])
    [listing] = catalogue(ngo["db"], ngo["packs"] / "files")
    assert listing["version"] == "1.1.0" and listing["changes"]["from"] == "1.0.0"
    assert listing["changes"]["reworded"] == {"en": ["sample-add-1"]}
    assert 0 < listing["changes"]["download_bytes_br"] < listing["bytes_br"], "an update costs only the changed files"
    assert listing["locales"]["hi"]["review"] == "draft"


def test_an_unregistered_publisher_is_refused(ngo, tmp_path):
    bundle = bundle_pack(SAMPLE_PACK, tmp_path / "v1.abhyas", key_path=ngo["key"])
    with pytest.raises(TrustError, match="unknown publisher"):
        publish_bundle(ngo["db"], bundle.read_bytes(), ngo["packs"], ngo["keys"])
    assert ngo["db"]["packs"].count == 0


def test_a_publisher_cannot_publish_as_another(ngo, tmp_path):
    register_publisher_key(ngo["db"], "abhyas-test", ngo["public"], admin_id=None)
    bundle = bundle_pack(SAMPLE_PACK, tmp_path / "v1.abhyas", key_path=ngo["key"])
    with pytest.raises(TrustError, match="you publish as 'other-ngo'"):
        publish_bundle(ngo["db"], bundle.read_bytes(), ngo["packs"], ngo["keys"], publisher="other-ngo")


def test_a_bad_key_cannot_be_registered(ngo):
    with pytest.raises(TrustError):
        register_publisher_key(ngo["db"], "x", base64.b64encode(b"short").decode(), admin_id=None)


def test_publishing_over_http_lists_the_pack_and_refuses_strangers(instance, tmp_path):
    from app import create_app
    app = create_app({"TESTING": True, "PACKS_DIR": str(tmp_path / "served"), "DATABASE": str(tmp_path / "p.db")})
    client = app.test_client()
    keys = tmp_path / "k"
    new_key(keys, "abhyas-test")
    bundle = bundle_pack(SAMPLE_PACK, tmp_path / "b.abhyas", key_path=keys / "abhyas-test.key").read_bytes()
    refused = client.post("/api/v1/packs", data=bundle, headers={"Content-Type": "application/octet-stream"})
    assert refused.status_code == 422 and "unknown publisher" in refused.json["error"]
    register_publisher_key(connect(app.config["DATABASE"]), "abhyas-test",
                           json.loads((keys / "abhyas-test.pub").read_text())["public"], admin_id=None)
    tampered = bytearray(bundle)
    tampered[-3] ^= 1
    assert client.post("/api/v1/packs", data=bytes(tampered)).status_code == 422
    accepted = client.post("/api/v1/packs", data=bundle, headers={"Content-Type": "application/octet-stream"})
    assert accepted.status_code == 201, accepted.json
    listed = client.get("/api/v1/packs").json["packs"]
    assert [p["pack"] for p in listed] == ["sample-6"] and listed[0]["publisher"] == "abhyas-test"


def test_a_pack_with_audio_is_published_with_every_clip_and_sized_from_its_indexes(ngo, fake_audio, tmp_path):  # noqa: F811
    register_publisher_key(ngo["db"], "abhyas-test", ngo["public"], admin_id=None)
    bundle = bundle_pack(SAMPLE_PACK, tmp_path / "audio.abhyas", key_path=ngo["key"], audio=True)
    body = publish_bundle(ngo["db"], bundle.read_bytes(), ngo["packs"], ngo["keys"])
    files = ngo["packs"] / "files"
    indexes = body["audio"]["files"]
    clips = {c["path"] for e in indexes for c in json.loads((files / e["path"].split("/")[1]).read_bytes())["clips"].values()}
    assert len(clips) > 20 and all((ngo["packs"] / path).exists() for path in clips)
    assert not any((ngo["packs"] / f"{path}.br").exists() for path in clips), "Opus is not compressed again"
    [listing] = catalogue(ngo["db"], files)
    assert listing["audio_locales"] == ["en", "hi", "ta"]
    assert listing["bytes_with_audio"] == body["bytes_br"] + sum(e["clip_bytes"] + e["bytes_br"] for e in indexes)
