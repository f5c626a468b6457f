"""The home-screen icons, drawn with zlib and struct so no image library is needed."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

TEAL = (26, 95, 122)
WHITE = (255, 255, 255)
SIZES = (192, 512)


def _png(width: int, height: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def divide_sign(size: int, safe: float = 0.8) -> bytes:
    """A white division sign (÷) on teal, kept inside the maskable safe zone."""
    c = size / 2
    unit = size * safe / 10
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            dx, dy = x + 0.5 - c, y + 0.5 - c
            bar = abs(dy) <= unit * 0.55 and abs(dx) <= unit * 3.2
            dot = min((dx * dx + (dy - s * unit * 2.2) ** 2) for s in (-1, 1)) <= (unit * 0.85) ** 2
            row += bytes(WHITE if bar or dot else TEAL)
        rows.append(bytes(row))
    return _png(size, size, rows)


def write_icons(folder: Path) -> list[Path]:
    """Write icon-<size>.png for every size the web app manifest lists; return the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size in SIZES:
        path = folder / f"icon-{size}.png"
        path.write_bytes(divide_sign(size))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_icons(Path(__file__).resolve().parent.parent / "static" / "icons"):
        print(written_path)
