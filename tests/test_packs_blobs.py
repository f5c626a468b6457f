"""Pack files in the database: a pack published through one server is served, file by file, by another."""
from __future__ import annotations

import hashlib
import json
import shutil

import brotli

from app import create_app
from app.db import connect
from app.packs.blobs import fill
from app.packs.bundle import bundle_pack
from app.packs.publishing import register_publisher_key
from app.packs.registry import load_catalog
from app.packs.signing import new_key

from .audio_fixtures import fake_audio  # noqa: F401
from .conftest import SAMPLE_PACK


def _server(folder, monkeypatch, database):
    """An app server with an instance folder of its own on the shared database."""
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("ABHYAS_INSTANCE", str(folder))
    return create_app({"TESTING": True, "DATABASE": database})


def test_a_pack_published_through_server_a_is_served_whole_by_server_b(instance, tmp_path, monkeypatch, new_database, fake_audio):
    shared = new_database("shared.db")
    keys = tmp_path / "ngo-keys"
    new_key(keys, "abhyas-test")
    register_publisher_key(connect(shared), "abhyas-test", json.loads((keys / "abhyas-test.pub").read_text())["public"],
                           admin_id=None)
    bundle = bundle_pack(SAMPLE_PACK, tmp_path / "sample.abhyas", key_path=keys / "abhyas-test.key", audio=True)
    a = _server(tmp_path / "a", monkeypatch, shared)
    uploaded = a.test_client().post("/api/v1/packs", data=bundle.read_bytes(),
                                    headers={"Content-Type": "application/octet-stream"})
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)[:300]

    b = _server(tmp_path / "b", monkeypatch, shared)
    assert not (tmp_path / "b" / "packs" / "files").exists(), "server B starts with no pack file on its disk"
    on_b = b.test_client()
    [listed] = on_b.get("/packs/index.json").get_json()["packs"]
    body = json.loads(listed["manifest"]["body"])
    names = [row[0] for row in connect(shared).execute("SELECT name FROM pack_files ORDER BY name")]
    clips = [n for n in names if n.endswith(".opus")]
    assert {f["path"].split("/")[1] for f in body["files"] + body["audio"]["files"]} <= set(names) and clips
    for name in names:
        original = (tmp_path / "a" / "packs" / "files" / name).read_bytes()
        plain = on_b.get(f"/packs/files/{name}", headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and plain.data == original, name
        assert hashlib.sha256(plain.data).hexdigest() == name.split(".")[0]
    document = next(f["path"].split("/")[1] for f in body["files"] if f["role"] == "items")
    compressed = on_b.get(f"/packs/files/{document}", headers={"Accept-Encoding": "br"})
    assert compressed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(compressed.data) == (tmp_path / "a" / "packs" / "files" / document).read_bytes()
    assert on_b.get(f"/packs/files/{'0' * 64}.json").status_code == 404, "a name nobody published"


def test_server_b_reads_the_catalogue_from_files_it_never_had(instance, tmp_path, monkeypatch, new_database):
    """A sync or a teacher page on B needs the pack's documents: the first read fills B's cache from the database."""
    shared = new_database("shared.db")
    from app.packs.build import build_pack
    (tmp_path / "a").mkdir()
    monkeypatch.setenv("ABHYAS_INSTANCE", str(tmp_path / "a"))  # A's own signing key, which A trusts
    build_pack(SAMPLE_PACK, tmp_path / "a" / "packs")
    _server(tmp_path / "a", monkeypatch, shared)  # publishes its built folder at start
    b = _server(tmp_path / "b", monkeypatch, shared)
    files = tmp_path / "b" / "packs" / "files"
    catalog = load_catalog(connect(shared), files)
    assert catalog["items"] and "sample-6" in catalog["packs"]
    assert sorted(p.name for p in files.glob("*.json")) and all((files / f"{p.name}.br").exists()
                                                                  for p in files.glob("*.json"))
    listing = b.test_client().get("/api/v1/packs").get_json()["packs"]
    assert listing[0]["pack"] == "sample-6"
    # A's own signing key is in A's folder only; phones asking B must trust the pack all the same.
    trusted = {k["key_id"] for k in b.test_client().get("/packs/keys.json").get_json()["keys"]}
    index = b.test_client().get("/packs/index.json").get_json()["packs"]
    assert json.loads(index[0]["manifest"]["body"])["key_id"] in trusted


def test_an_instance_published_before_the_upgrade_stores_its_files_at_start(app, instance):
    """Packs listed before pack files lived in the database get their files stored when the server starts again."""
    db = connect(app.config["DATABASE"])
    before = db.execute("SELECT count(*) FROM pack_files").fetchone()[0]
    db.execute("DELETE FROM pack_files")
    create_app({"TESTING": True})
    assert db.execute("SELECT count(*) FROM pack_files").fetchone()[0] == before > 0


def test_threads_of_one_server_filling_its_cache_at_once_all_succeed(instance, tmp_path, monkeypatch, new_database):
    """The first syncs after a server starts all miss its empty cache together: each gets the files."""
    import threading

    from app.packs.build import build_pack
    (tmp_path / "a").mkdir()
    monkeypatch.setenv("ABHYAS_INSTANCE", str(tmp_path / "a"))
    build_pack(SAMPLE_PACK, tmp_path / "a" / "packs")
    shared = new_database("shared.db")
    _server(tmp_path / "a", monkeypatch, shared)
    files = tmp_path / "b" / "packs" / "files"
    names = [row[0] for row in connect(shared).execute("SELECT name FROM pack_files")]
    failures = []
    for _round in range(5):
        barrier = threading.Barrier(8)

        def first_sync(barrier=barrier):
            db = connect(shared)
            barrier.wait()
            try:
                for name in names:
                    fill(db, files, name)
            except Exception as exc:  # noqa: BLE001 - the assertion below names it
                failures.append(repr(exc))

        threads = [threading.Thread(target=first_sync) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert failures == [] and not list(files.glob(".*.tmp"))
        shutil.rmtree(files)
