"""NGO publishing on the web: upload a bundle, see it in the catalogue with its changes, refusals that say why."""
from __future__ import annotations

import html
import io
import json
from pathlib import Path

import pytest

from app.packs.bundle import MAGIC
from app.packs.publishing import catalogue, register_publisher_key
from app.packs.signing import sign_manifest
from tests.security_fixtures import (  # noqa: F401
    NGO,
    NGO_PACK,
    Ngo,
    accounts,
    ngo,
    sign_in_as,
    stranger,
)
from tests.teacher_fixtures import db, world  # noqa: F401


def text(response) -> str:
    """A page's text with HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def upload(client, token, data: bytes, path: str = "/publish/upload", name: str = "pack.abhyas"):
    """Send a file through the page's file input (multipart), as the browser does."""
    return client.post(path, data={"csrf_token": token, "bundle": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def rewrite(data: bytes, change) -> bytes:
    """A bundle with its manifest envelope changed by `change(envelope)`; the files stay as they were."""
    end = data.find(b"\n", len(MAGIC))
    index = json.loads(data[len(MAGIC):end])
    index["manifest"] = change(index["manifest"])
    return MAGIC + json.dumps(index).encode() + data[end:]


def swap_last_file(data: bytes, raw: bytes) -> bytes:
    """A bundle whose last file was replaced by other content, its index entry's length kept true."""
    import gzip
    end = data.find(b"\n", len(MAGIC))
    index = json.loads(data[len(MAGIC):end])
    last = index["files"][-1]
    payload = gzip.compress(raw, mtime=0)
    body = data[end + 1:len(data) - last["length"]]
    last["length"] = len(payload)
    return MAGIC + json.dumps(index).encode() + b"\n" + body + payload


@pytest.fixture
def publisher(client, accounts, ngo, db):
    """The NGO's publisher account signed in, with the NGO's key registered by the admin."""
    register_publisher_key(db, NGO, ngo.public, admin_id=accounts["admin"])
    return client, sign_in_as(client, "sahayak")


def test_a_publisher_uploads_a_bundle_and_sees_it_listed(publisher, ngo, db):
    """The upload is verified, stored and listed: titles per language, review status, sizes, publisher."""
    client, token = publisher
    response = upload(client, token, ngo.bundle())
    assert response.status_code == 302 and response.headers["Location"].endswith(f"published={NGO_PACK}#published")
    home = text(client.get(response.headers["Location"]))
    assert "Published and listed in the catalogue." in home and f"{NGO_PACK} 1.0.0" in home
    row = db.execute("SELECT publisher, published_by FROM packs WHERE pack_id = ?", [NGO_PACK]).fetchone()
    assert row[0] == NGO and row[1] is not None
    page = text(client.get("/publish/catalogue"))
    for shown in ("Sample fractions", "नमूना भिन्न", "en: source language",
                  "hi: <strong>draft, not yet reviewed</strong> <small>(Test fixture; not reviewed)</small>",
                  f"Publisher</dt><dd>{NGO}", "First version", "no audio"):
        assert shown in page, shown


def test_an_update_shows_what_changed_and_the_delta_size(publisher, ngo, db):
    """Version 1.1.0 rewords one item: the catalogue names it and the bytes a phone downloads, less than the whole."""
    client, token = publisher
    upload(client, token, ngo.bundle("1.0.0"))
    assert upload(client, token, ngo.bundle("1.1.0", reword="How much roti did she eat in all?")).status_code == 302
    page = text(client.get("/publish/catalogue"))
    assert "Changes since 1.0.0" in page and "Reworded: en: sample-add-1" in page
    entry = next(e for e in catalogue(db, Path(client.application.config["PACKS_DIR"]) / "files")
                 if e["pack"] == NGO_PACK)
    delta = entry["changes"]["download_bytes_br"]
    assert 0 < delta < entry["bytes_br"]
    assert "A phone with 1.0.0 downloads" in page and f"({delta} B)" in page


@pytest.mark.parametrize("case, kind, heading", [
    ("unknown", "unknown_publisher", "Refused: unknown publisher"),
    ("tampered", "tampered", "Refused: changed after signing"),
    ("damaged", "damaged", "Refused: the file is damaged"),
    ("unsigned", "unsigned", "Refused: the pack is not signed"),
    ("junk", "not_a_pack", "Refused: not an Abhyas pack file"),
    ("version", "version_taken", "Refused: this version is already published with other content"),
])
def test_refusals_say_why_and_store_nothing(publisher, ngo, stranger, db, case, kind, heading):
    """Each refusal: 422, its heading, the reason and what to do; the pack table does not change."""
    client, token = publisher
    if case == "version":
        upload(client, token, ngo.bundle("1.0.0"))
        data = ngo.bundle("1.0.0", reword="Changed without a new version")
    else:
        data = {"unknown": lambda: stranger.bundle(),
                "tampered": lambda: swap_last_file(ngo.bundle(), b'{"items": []}'),
                "damaged": lambda: ngo.bundle()[:-40] + bytes(b ^ 1 for b in ngo.bundle()[-40:]),
                "unsigned": lambda: rewrite(ngo.bundle(), lambda env: {"body": env["body"]}),
                "junk": lambda: b"PK\x03\x04 a zip file, not a pack"}[case]()
    before = db.execute("SELECT count(*) FROM packs").fetchone()[0]
    response = upload(client, token, data)
    page = text(response)
    assert response.status_code == 422 and f'data-kind="{kind}"' in page and heading in page
    assert "What to do:" in page
    assert db.execute("SELECT count(*) FROM packs").fetchone()[0] == before


def test_a_publisher_publishes_only_as_itself(client, accounts, world, ngo, db):
    """The account "pub" publishes as "pub": a bundle signed by ngo-sahayak is refused, even with a valid key."""
    register_publisher_key(db, NGO, ngo.public, admin_id=None)
    token = sign_in_as(client, "pub")
    response = upload(client, token, ngo.bundle())
    assert response.status_code == 422 and "you publish as 'pub' but this pack is signed by 'ngo-sahayak'" in text(response)


def test_a_pack_id_stays_with_its_first_publisher(publisher, ngo, tmp_path, db):
    """Another registered NGO cannot take over a pack id by publishing a higher version of it (web or API)."""
    client, token = publisher
    upload(client, token, ngo.bundle("1.0.0"))
    rival = Ngo(tmp_path / "rival", "ngo-rival")
    register_publisher_key(db, "ngo-rival", rival.public, admin_id=None)
    response = client.post("/api/v1/packs", data=rival.bundle("9.0.0"))
    assert response.status_code == 422 and response.json["kind"] == "pack_owned"
    assert db.execute("SELECT max(version) FROM packs WHERE pack_id = ?", [NGO_PACK]).fetchone()[0] == "1.0.0"


def test_a_signed_manifest_with_a_path_in_its_id_is_refused(publisher, ngo, tmp_path):
    """A registered key signing a pack id like '../x' must not write outside the packs folder."""
    client, token = publisher

    def evil(envelope):
        body = dict(json.loads(envelope["body"]), pack="../../escaped")
        body.pop("key_id")
        return json.loads(sign_manifest(body, ngo.key))

    response = upload(client, token, rewrite(ngo.bundle(), evil))
    assert response.status_code == 422 and 'data-kind="malformed"' in text(response)
    packs_dir = client.application.config["PACKS_DIR"]
    assert not (Path(packs_dir).parent / "escaped").exists() and not (Path(packs_dir) / "escaped").exists()


def test_teachers_see_the_catalogue_and_assign_a_unit(client, publisher, ngo, world, db, app):
    """A teacher picks the NGO's unit for her class from the catalogue; it is assigned and the decision recorded."""
    pub_client, token = publisher
    upload(pub_client, token, ngo.bundle())
    teacher = app.test_client()
    token = sign_in_as(teacher, "asha")
    page = text(teacher.get("/publish/catalogue"))
    assert f'data-pack="{NGO_PACK}"' in page and "Not assigned to any of your classes." in page
    response = teacher.post("/teacher/assign", data={"csrf_token": token, "pack": NGO_PACK,
                                                      "class_id": world["class"]["id"]})
    assert response.status_code == 302
    assert (world["class"]["id"], NGO_PACK) in db.execute("SELECT class_id, pack_id FROM assignments").fetchall()
    assert db.execute("SELECT count(*) FROM overrides WHERE target = 'units' AND class_id = ?",
                      [world["class"]["id"]]).fetchone()[0] == 1
    assert "Assigned to 6B." in text(teacher.get("/publish/catalogue"))
    foreign = teacher.post("/teacher/assign", data={"csrf_token": token, "pack": NGO_PACK,
                                                     "class_id": world["other_class"]["id"]})
    assert foreign.status_code == 404
    assert teacher.post("/teacher/assign", data={"csrf_token": token, "pack": "no-such-pack",
                                                  "class_id": world["class"]["id"]}).status_code == 404


def test_a_teacher_checks_a_pack_file_and_sees_why_it_would_be_refused(client, world, stranger, ngo, db, accounts):
    """The check page verifies without storing: a stranger's file is refused with its reason; a trusted one passes."""
    token = sign_in_as(client, "asha")
    response = upload(client, token, stranger.bundle(), path="/publish/check", name="from-whatsapp.abhyas")
    page = text(response)
    assert response.status_code == 422 and "Refused: unknown publisher" in page and "from-whatsapp.abhyas" in page
    assert "it claims to be 'ngo-sahayak'" in page and "An admin must register" in page
    register_publisher_key(db, NGO, ngo.public, admin_id=accounts["admin"])
    response = upload(client, token, ngo.bundle(), path="/publish/check")
    assert response.status_code == 200 and f"Trusted: {NGO_PACK} 1.0.0 by {NGO}" in text(response)
    assert db.execute("SELECT count(*) FROM packs WHERE pack_id = ?", [NGO_PACK]).fetchone()[0] == 0


def test_bundle_sized_uploads_only_for_the_roles_that_send_them(publisher, app, world):
    """3 MB reaches the publisher's upload (refused as not a pack, not as too large); others get 413 at 2 MB."""
    client, token = publisher
    big = b"x" * (3 * 1024 * 1024)
    response = upload(client, token, big)
    assert response.status_code == 422 and 'data-kind="not_a_pack"' in text(response)
    anonymous = app.test_client()
    assert upload(anonymous, "t", big).status_code == 413
    teacher = app.test_client()
    token = sign_in_as(teacher, "asha")
    assert upload(teacher, token, big).status_code == 413
    assert upload(teacher, token, big, path="/publish/check").status_code == 422


def test_an_upload_without_a_file_is_refused_kindly(publisher):
    """Pressing the button with no file chosen: a plain reason, no error page."""
    client, token = publisher
    response = client.post("/publish/upload", data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a pack file first." in text(response)


def test_the_publisher_page_shows_how_far_the_background_audio_got(publisher, instance):
    client, _token = publisher
    (instance / "packs").mkdir(parents=True, exist_ok=True)
    status = instance / "packs" / "audio_status.json"
    status.write_text(json.dumps({"state": "building", "done": 3, "total": 12, "current": "fractions-6", "packs": []}))
    page = text(client.get("/publish"))
    assert 'id="audio-status"' in page and "3 of 12 packs ready; rendering fractions-6" in page
    status.write_text(json.dumps({"state": "failed", "done": 2, "total": 2, "packs": [
        {"pack": "data-6", "ok": False}, {"pack": "decimals-6", "ok": True}]}))
    assert "Read-aloud audio failed for: data-6. See the server log." in text(client.get("/publish"))
