"""Fixtures for the security tests: an NGO with its own key and pack, accounts of every role, signing in as them."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from app.auth.accounts import create_user
from app.packs.bundle import bundle_pack
from app.packs.signing import new_key
from tests.conftest import SAMPLE_PACK
from tests.teacher_fixtures import PASSWORD, TOKEN

NGO = "ngo-sahayak"
NGO_PACK = "ngo-fractions-6"


def write_ngo_source(target: Path, publisher: str, version: str, pack_id: str = NGO_PACK,
                     reword: str | None = None) -> Path:
    """The sample pack copied to `target` as `pack_id` at `version` by `publisher`, optionally with one item reworded."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SAMPLE_PACK, target)
    meta = target / "pack.yaml"
    text = meta.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", f"id: {pack_id}", text)
    text = re.sub(r"(?m)^version: .*$", f"version: {version}", text)
    text = re.sub(r"(?m)^publisher: .*$", f"publisher: {publisher}", text)
    meta.write_text(text, encoding="utf-8")
    if reword:
        basics = target / "items" / "basics.yaml"
        basics.write_text(basics.read_text(encoding="utf-8").replace("How much did she eat?", reword),
                          encoding="utf-8")
    return target


def token_on(client, path: str) -> str:
    """The CSRF token a page carries."""
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def sign_in_as(client, username: str, password: str = PASSWORD) -> str:
    """Sign in through the one sign-in form (any role); return the new session's CSRF token from the landing page."""
    response = client.post("/teacher/sign-in", data={"username": username, "password": password,
                                                     "csrf_token": token_on(client, "/teacher")})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return token_on(client, response.headers["Location"])


class Ngo:
    """An NGO outside the server: its key pair (never in the instance folder) and pack sources it edits."""

    def __init__(self, folder: Path, name: str = NGO):
        self.folder, self.name = folder, name
        new_key(folder / "keys", name)
        self.key = folder / "keys" / f"{name}.key"
        self.pub_text = (folder / "keys" / f"{name}.pub").read_text()
        self.public = json.loads(self.pub_text)["public"]

    def source(self, version: str = "1.0.0", pack_id: str = NGO_PACK, reword: str | None = None) -> Path:
        """A pack source of the sample pack, renamed and signed as this NGO, optionally with one item reworded."""
        return write_ngo_source(self.folder / f"src-{version}-{pack_id}" / pack_id, self.name, version, pack_id, reword)

    def bundle(self, version: str = "1.0.0", **kwargs) -> bytes:
        """The bytes of `abhyas pack bundle` for a version of the NGO's pack."""
        source = self.source(version, **kwargs)
        return bundle_pack(source, source.parent / f"{source.name}-{version}.abhyas", key_path=self.key).read_bytes()


@pytest.fixture
def ngo(tmp_path):
    """The NGO "ngo-sahayak" with a fresh key pair (not yet registered anywhere)."""
    return Ngo(tmp_path / "ngo")


@pytest.fixture
def stranger(tmp_path):
    """Another NGO nobody registered, posing under the same name."""
    return Ngo(tmp_path / "stranger")


@pytest.fixture
def accounts(db, world):
    """An admin and a publisher account for the NGO, beside the teachers of `world`."""
    admin, _ = create_user(db, "root", "admin", password=PASSWORD)
    publisher, _ = create_user(db, "sahayak", "publisher", password=PASSWORD, publisher=NGO)
    return {"admin": admin["id"], "ngo_publisher": publisher["id"]}
