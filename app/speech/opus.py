"""Ogg Opus encoding with opusenc, and a check that a file really is playable Ogg Opus."""
from __future__ import annotations

import shutil
import struct
import subprocess
from functools import lru_cache
from pathlib import Path

OPUS_RATE = 48_000  # Opus granule positions always count 48 kHz samples


class OpusError(Exception):
    """An Ogg Opus file that is missing, malformed or could not be made."""


def opusenc_binary() -> str | None:
    """Path of opusenc, or None when opus-tools is not installed."""
    return shutil.which("opusenc")


@lru_cache(maxsize=1)
def opusenc_flags() -> tuple[str, ...]:
    """Speech-tuned mono flags this opusenc accepts (older builds lack --speech)."""
    binary = opusenc_binary()
    if not binary:
        raise OpusError("opusenc not found: install opus-tools (apt-get install opus-tools)")
    help_text = subprocess.run([binary, "--help"], capture_output=True, text=True,
                               timeout=30, check=False)
    usage = help_text.stdout + help_text.stderr
    flags = ["--quiet", "--bitrate", "16"]
    for optional in ("--downmix-mono", "--speech"):
        if optional in usage:
            flags.append(optional)
    return tuple(flags)


def encode_opus(wav_path: Path, opus_path: Path, serial: int | None = None) -> None:
    """Encode a WAV file to ~16 kbps mono speech Ogg Opus, or raise OpusError."""
    opus_path = Path(opus_path)
    opus_path.parent.mkdir(parents=True, exist_ok=True)
    # A fixed stream serial (opusenc picks a random one) keeps rebuilt audio byte-identical.
    fixed = ("--serial", str(serial)) if serial is not None else ()
    result = subprocess.run([opusenc_binary() or "opusenc", *opusenc_flags(), *fixed, str(wav_path),
                             str(opus_path)], capture_output=True, text=True, timeout=120,
                            check=False)
    if result.returncode != 0 or not opus_path.exists():
        raise OpusError(f"opusenc failed for {wav_path}: {result.stderr.strip()[:300]}")


def opus_info(path: Path) -> dict:
    """Check Ogg framing (magic, CRC), OpusHead and OpusTags; return channels and seconds."""
    data = Path(path).read_bytes()
    pages = list(_ogg_pages(data, path))
    if not pages:
        raise OpusError(f"{path}: no Ogg pages")
    head = pages[0]["body"]
    if not head.startswith(b"OpusHead") or len(head) < 19:
        raise OpusError(f"{path}: first packet is not OpusHead")
    if len(pages) < 2 or not pages[1]["body"].startswith(b"OpusTags"):
        raise OpusError(f"{path}: second packet is not OpusTags")
    channels = head[9]
    pre_skip = struct.unpack_from("<H", head, 10)[0]
    input_rate = struct.unpack_from("<I", head, 12)[0]
    last_granule = pages[-1]["granule"]
    seconds = max(0, last_granule - pre_skip) / OPUS_RATE
    return {"channels": channels, "pre_skip": pre_skip, "input_rate": input_rate,
            "seconds": seconds, "pages": len(pages), "bytes": len(data)}


def _ogg_pages(data: bytes, path):
    offset = 0
    while offset < len(data):
        if data[offset:offset + 4] != b"OggS":
            raise OpusError(f"{path}: no OggS capture pattern at byte {offset}")
        if offset + 27 > len(data):
            raise OpusError(f"{path}: truncated page header at byte {offset}")
        granule = struct.unpack_from("<q", data, offset + 6)[0]
        crc = struct.unpack_from("<I", data, offset + 22)[0]
        segments = data[offset + 26]
        lacing = data[offset + 27:offset + 27 + segments]
        header_len = 27 + segments
        body_len = sum(lacing)
        end = offset + header_len + body_len
        if end > len(data):
            raise OpusError(f"{path}: truncated page at byte {offset}")
        page = bytearray(data[offset:end])
        page[22:26] = b"\0\0\0\0"
        if _ogg_crc(bytes(page)) != crc:
            raise OpusError(f"{path}: bad page checksum at byte {offset}")
        yield {"granule": granule, "body": data[offset + header_len:end]}
        offset = end


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else (crc << 1)
        table.append(crc & 0xFFFFFFFF)
    return table


_CRC_TABLE = _crc_table()


def _ogg_crc(page: bytes) -> int:
    # Ogg's CRC-32: polynomial 0x04C11DB7, no reflection, zero initial value (RFC 3533).
    crc = 0
    for byte in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC_TABLE[((crc >> 24) ^ byte) & 0xFF]
    return crc
