"""`abhyas pack publish`: an NGO's side of publishing, over plain HTTP(S) to an Abhyas server."""
from __future__ import annotations

import json
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from .bundle import bundle_pack


class PublishError(Exception):
    """The server refused the pack, or could not be reached; the reason is for a person."""

    @property
    def user_message(self) -> str:
        """The one-line reason."""
        return str(self)


def publish_to_server(source: Path, server: str, key_path, audio: bool = False) -> dict:
    """Bundle the pack, signed with the publisher's key, and POST it to SERVER/api/v1/packs."""
    with tempfile.TemporaryDirectory(prefix="abhyas-publish-") as folder:
        bundle = bundle_pack(Path(source), Path(folder) / "pack.abhyas", key_path=key_path, audio=audio)
        request = urllib.request.Request(server.rstrip("/") + "/api/v1/packs", data=bundle.read_bytes(), method="POST",
                                         headers={"Content-Type": "application/octet-stream"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - the operator names the server
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            try:
                reason = json.loads(exc.read()).get("error", exc.reason)
            except ValueError:
                reason = exc.reason
            raise PublishError(f"the server refused the pack ({exc.code}): {reason}") from None
        except urllib.error.URLError as exc:
            raise PublishError(f"cannot reach {server}: {exc.reason}") from None
