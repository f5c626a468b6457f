"""JSON replies of the sync API travel compressed when the phone accepts it, and read back the same."""
from __future__ import annotations

import gzip
import json

import brotli

from tests.test_sync_api import roster  # noqa: F401 - a fixture


def _join(client, roster, encoding):
    return client.post("/api/v1/join", json={"class_code": roster["code"], "pin": roster["pins"][0]},
                       headers={"Accept-Encoding": encoding} if encoding else {})


def test_join_reply_is_brotli_or_gzip_when_accepted_and_decodes_to_the_same_json(client, roster):  # noqa: F811
    plain = _join(client, roster, None)
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    expected = json.loads(plain.get_data())
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        reply = _join(client, roster, f"{encoding}, identity")
        assert reply.headers["Content-Encoding"] == encoding
        assert len(reply.data) < len(plain.data) * 0.6, "a set and mastery compress well"
        decoded = json.loads(decode(reply.data))
        assert decoded.keys() == expected.keys() and decoded["sets"][0]["items"] == expected["sets"][0]["items"]


def test_short_replies_and_refused_encodings_stay_plain(client, roster):  # noqa: F811
    refused = client.post("/api/v1/join", json={"class_code": roster["code"], "pin": "99999999"},
                          headers={"Accept-Encoding": "br"})
    assert refused.status_code == 401 and "Content-Encoding" not in refused.headers
    assert json.loads(refused.data)["error"]
    no_br = _join(client, roster, "br;q=0, gzip;q=0")
    assert "Content-Encoding" not in no_br.headers and json.loads(no_br.data)["token"]
