"""Shared fixtures: a temporary instance, the sample pack, a built and published app."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PACK = ROOT / "tests" / "fixtures" / "packs" / "sample-6"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An empty instance folder; every path Abhyas uses points inside it."""
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("ABHYAS_INSTANCE", str(folder))
    for var in ("ABHYAS_DB", "ABHYAS_PACKS", "ABHYAS_KEYS", "ABHYAS_SECRET_KEY"):
        monkeypatch.delenv(var, raising=False)
    return folder


class PackCopy(type(Path())):
    """A pack folder path with an `edit(file, old, new)` helper."""

    def __new__(cls, path, edit):
        obj = super().__new__(cls, path)
        obj.edit = edit
        return obj

    def __init__(self, path, edit):
        pass


@pytest.fixture
def pack_copy(tmp_path):
    """A writable copy of the sample pack, and a function to edit one of its files."""
    target = tmp_path / "packs" / "sample-6"
    shutil.copytree(SAMPLE_PACK, target)

    def edit(relative: str, old: str, new: str) -> Path:
        path = target / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture text {old!r} not found in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return PackCopy(target, edit)


@pytest.fixture
def app(instance):
    """An app on a fresh database with the sample pack built and published."""
    from app import create_app
    from app.packs.build import build_pack
    build_pack(SAMPLE_PACK, instance / "packs")
    application = create_app({"TESTING": True})
    return application


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()
