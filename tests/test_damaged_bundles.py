"""Damaged pack files at every door: the same one-line reason from the CLI, both publisher pages, the API and the phone.

A real bundle is mutated (a byte flipped anywhere, cut short, bytes inserted or removed, an index
that lies about lengths, other files altogether) and handed to `abhyas pack verify`, `/publish/check`,
`/publish/upload`, `POST /api/v1/packs` and the phone's own check (app/service_worker/bundle.js under
node). Every door must answer below 500, with no traceback, and all five must give the same reason.
"""
from __future__ import annotations

import base64
import gzip
import html
import io
import json
import re
import shutil
import subprocess
import zipfile
from contextlib import redirect_stderr
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from app.cli import main
from app.packs.bundle import MAGIC, bundle_pack
from app.packs.publishing import register_publisher_key
from tests.audio_fixtures import fake_audio  # noqa: F401
from tests.security_fixtures import NGO, Ngo, accounts, ngo, sign_in_as  # noqa: F401
from tests.teacher_fixtures import db, world  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
WHY = re.compile(r"<p>Why: (.*?)</p>", re.S)
PHRASES = ("not an Abhyas pack file", "damaged", "unsigned", "unknown publisher", "tampered")
DOORS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class Phone:
    """The phone's bundle check, run by node on the same bytes."""

    def __init__(self, keys: list):
        self.keys = keys
        self.process = subprocess.Popen(["node", str(ROOT / "tests" / "js" / "verify_bundle_lines.mjs")],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def check(self, data: bytes) -> str:
        """The phone's one-line answer: "accepted" or its refusal message."""
        self.process.stdin.write(json.dumps({"keys": self.keys, "bundle": base64.b64encode(data).decode()}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert answer["reason"] != "crash", answer["message"]
        return "accepted" if answer["reason"] == "accepted" else answer["message"]

    def close(self) -> None:
        """Stop node."""
        self.process.stdin.close()
        self.process.wait(timeout=10)


def phrase(message: str) -> str:
    """The reason a one-line message opens with (one of PHRASES), or the message itself when it opens with none."""
    return next((p for p in PHRASES if message == p or message.startswith(p + ":")), message)


class Doors:
    """Every way a pack file reaches Abhyas, each answering with one line."""

    def __init__(self, client, token: str, trusted: Path, phone: Phone, folder: Path):
        self.client, self.token, self.trusted, self.phone, self.folder = client, token, trusted, phone, folder

    def cli(self, data: bytes) -> str:
        path = self.folder / "file.abhyas"
        path.write_bytes(data)
        err = io.StringIO()
        with redirect_stderr(err):
            code = main(["pack", "verify", str(path), "--trusted", str(self.trusted)])
        text = err.getvalue()
        assert "Traceback" not in text and text.count("\n") <= 1, text
        if code == 0:
            return "accepted"
        assert text.startswith("abhyas: "), text
        return text.strip().removeprefix("abhyas: ")

    def page(self, path: str, data: bytes) -> str:
        response = self.client.post(path, data={"csrf_token": self.token, "bundle": (io.BytesIO(data), "pack.abhyas")},
                                    content_type="multipart/form-data")
        assert response.status_code < 500, response.status_code
        if response.status_code < 400:
            return "accepted"
        why = WHY.search(response.get_data(as_text=True))
        assert why, response.get_data(as_text=True)[:500]
        return html.unescape(why.group(1))

    def api(self, data: bytes) -> str:
        response = self.client.post("/api/v1/packs", data=data, content_type="application/octet-stream")
        assert response.status_code < 500, response.status_code
        return "accepted" if response.status_code < 400 else response.json["error"]

    def all(self, data: bytes) -> dict:
        """Each door's answer to the same bytes."""
        return {"cli": self.cli(data), "check": self.page("/publish/check", data),
                "upload": self.page("/publish/upload", data), "api": self.api(data), "phone": self.phone.check(data)}


@pytest.fixture
def doors(client, accounts, ngo, db, tmp_path):  # noqa: F811
    """The NGO's publisher signed in with its key registered; the phone trusting the same key."""
    register_publisher_key(db, NGO, ngo.public, admin_id=accounts["admin"])
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    shutil.copy(ngo.folder / "keys" / f"{NGO}.pub", trusted)
    phone = Phone([json.loads(ngo.pub_text)])
    yield Doors(client, sign_in_as(client, "sahayak"), trusted, phone, tmp_path)
    phone.close()


@pytest.fixture
def good(ngo):  # noqa: F811
    """A real bundle of the NGO's pack, signed with its key."""
    return ngo.bundle()


def same_reason(answers: dict) -> str:
    """The one reason every door gave; fails naming the doors that disagree."""
    reasons = {door: phrase(text) for door, text in answers.items()}
    assert len(set(reasons.values())) == 1, answers
    return next(iter(reasons.values()))


def index_of(data: bytes) -> tuple[dict, int]:
    end = data.index(b"\n", len(MAGIC))
    return json.loads(data[len(MAGIC):end]), end


def with_index(data: bytes, index: dict) -> bytes:
    _old, end = index_of(data)
    return MAGIC + json.dumps(index, separators=(",", ":")).encode() + data[end:]


def test_the_untouched_bundle_is_accepted_everywhere(doors, good):
    assert same_reason(doors.all(good)) == "accepted"


@pytest.mark.parametrize("name, make, expected", [
    ("empty", lambda good: b"", "not an Abhyas pack file"),
    ("a zip of the pack", lambda good: zipped(good), "not an Abhyas pack file"),
    ("a gzip of the pack", lambda good: gzip.compress(good), "not an Abhyas pack file"),
    ("a photo", lambda good: b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 8, "not an Abhyas pack file"),
    ("only the first line", lambda good: MAGIC, "damaged"),
    ("cut inside the index", lambda good: good[:len(MAGIC) + 200], "damaged"),
    ("cut inside the last file", lambda good: good[:-100], "damaged"),
    ("one byte missing at the end", lambda good: good[:-1], "damaged"),
    ("a byte flipped in the last file", lambda good: flip(good, len(good) - 30), "damaged"),
    ("lengths that lie", lambda good: lengths(good, lambda n: [n[0] + 7] + [n[1] - 7] + n[2:]), "damaged"),
    ("lengths that overrun", lambda good: lengths(good, lambda n: n[:-1] + [n[-1] + 10 ** 9]), "damaged"),
    ("a length that is text", lambda good: lengths(good, lambda n: [str(n[0])] + n[1:]), "damaged"),
    ("no signature", lambda good: envelope(good, lambda e: {"body": e["body"]}), "unsigned"),
    ("another signature kind", lambda good: envelope(good, lambda e: {**e, "alg": "RSA"}), "unsigned"),
    ("an unknown key", lambda good: envelope(good, lambda e: {**e, "key_id": "0123456789abcdef"}), "unknown publisher"),
    ("a changed manifest", lambda good: envelope(good, lambda e: {**e, "body": e["body"].replace("1.0.0", "1.0.1")}),
     "tampered"),
    ("a file swapped", lambda good: swap_first_file(good, b'{"items": []}'), "tampered"),
])
def test_each_kind_of_bad_file_gets_the_same_reason_at_every_door(doors, good, name, make, expected):
    """Empty, other formats, cut short, lying lengths, unsigned, a stranger's key, tampered: one reason per file."""
    assert same_reason(doors.all(make(good))) == expected, name


def test_a_file_larger_than_any_pack_is_refused_at_every_door_without_reading_it_all(doors):
    """64 MB and one byte: "not an Abhyas pack file" everywhere; the API refuses it from its length alone."""
    huge = MAGIC + bytes(64 * 1024 * 1024 - len(MAGIC) + 1)
    answers = doors.all(huge)
    assert same_reason(answers) == "not an Abhyas pack file"
    assert "larger than any pack" in answers["api"]
    api = doors.client.post("/api/v1/packs", data=huge, content_type="application/octet-stream")
    assert api.status_code == 413 and api.json["kind"] == "not_a_pack"


def zipped(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("pack.abhyas", data)
    return out.getvalue()


def flip(data: bytes, position: int, mask: int = 0x55) -> bytes:
    changed = bytearray(data)
    changed[position] ^= mask
    return bytes(changed)


def lengths(data: bytes, change) -> bytes:
    index, _end = index_of(data)
    for entry, length in zip(index["files"], change([e["length"] for e in index["files"]])):
        entry["length"] = length
    return with_index(data, index)


def envelope(data: bytes, change) -> bytes:
    index, _end = index_of(data)
    index["manifest"] = change(index["manifest"])
    return with_index(data, index)


def swap_first_file(data: bytes, raw: bytes) -> bytes:
    """The first file replaced by other content, gzip-valid and with a true length: only its hash is wrong."""
    index, end = index_of(data)
    first = index["files"][0]
    payload = gzip.compress(raw, mtime=0)
    rest = data[end + 1 + first["length"]:]
    first["length"] = len(payload)
    return MAGIC + json.dumps(index, separators=(",", ":")).encode() + b"\n" + payload + rest


# --- property-based: any mutation, any offset ---

def _regions(good: bytes) -> dict:
    _index, end = index_of(good)
    return {"first line": (0, len(MAGIC)), "index": (len(MAGIC), end + 1), "files": (end + 1, len(good))}


MUTATIONS = st.one_of(
    st.tuples(st.just("flip"), st.sampled_from(["first line", "index", "files"]), st.floats(0, 1, exclude_max=True),
              st.integers(1, 255)),
    st.tuples(st.just("cut"), st.sampled_from(["first line", "index", "files"]), st.floats(0, 1, exclude_max=True)),
    st.tuples(st.just("insert"), st.sampled_from(["index", "files"]), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.sampled_from(["index", "files"]), st.floats(0, 1, exclude_max=True),
              st.integers(1, 16)),
    st.tuples(st.just("length"), st.integers(0, 30), st.one_of(
        st.integers(-(2 ** 40), 2 ** 40), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=5),
        st.none(), st.booleans(), st.lists(st.integers(), max_size=2))),
)


def mutate(good: bytes, mutation: tuple) -> bytes:
    """One mutation of the good bundle: a flipped byte, a cut, an insertion, a deletion, or a lying length."""
    kind = mutation[0]
    if kind == "length":
        index, _end = index_of(good)
        entry = index["files"][mutation[1] % len(index["files"])]
        entry["length"] = mutation[2]
        return with_index(good, index)
    start, stop = _regions(good)[mutation[1]]
    at = start + int((stop - start) * mutation[2])
    if kind == "flip":
        return flip(good, min(at, stop - 1), mutation[3])
    if kind == "cut":
        return good[:at]
    if kind == "insert":
        return good[:at] + mutation[3] + good[at:]
    return good[:at] + good[at + mutation[3]:]


@DOORS
@given(mutation=MUTATIONS)
def test_no_mutation_of_a_real_bundle_crashes_any_door_and_every_door_agrees(doors, good, mutation):
    """At any offset, by any of the mutations: no 5xx, no traceback, one reason at all five doors."""
    reason = same_reason(doors.all(mutate(good, mutation)))
    event(f"{mutation[0]}: {reason}")
    assert reason in PHRASES + ("accepted",)


@pytest.fixture
def good_with_audio(ngo, fake_audio):  # noqa: F811
    """A real bundle with read-aloud clips: the manifest signs the audio indexes, the indexes list the clips."""
    source = ngo.source("1.0.0")
    return bundle_pack(source, source.parent / "with-audio.abhyas", key_path=ngo.key, audio=True).read_bytes()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutation=MUTATIONS)
def test_a_bundle_with_audio_mutated_anywhere_gets_one_reason_everywhere(doors, good_with_audio, mutation):
    """The clips are checked through the signed audio indexes at every door, in the same order."""
    reason = same_reason(doors.all(mutate(good_with_audio, mutation)))
    event(f"{mutation[0]}: {reason}")


def test_the_untouched_bundle_with_audio_is_accepted_everywhere(doors, good_with_audio):
    assert same_reason(doors.all(good_with_audio)) == "accepted"
