"""Take a page's picture with headless Chromium, and read an 8-bit RGB or RGBA PNG (what its
screenshots are) with zlib and struct, so the tests can say a picture is not blank without an
imaging library."""

from __future__ import annotations

import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

from coloring.report.export import FLAGS, chromium


def screenshot(page: Path, png: Path, window: str) -> subprocess.CompletedProcess[str]:
    """Chromium's picture of `page` in a `window` ("width,height"), offline, with a profile of
    its own beside `png` and every console message logged to stderr."""
    browser = chromium()
    assert browser is not None
    return subprocess.run(
        [
            browser,
            *FLAGS,
            f"--user-data-dir={png.parent / 'profile'}",
            f"--screenshot={png}",
            f"--window-size={window}",
            "--enable-logging=stderr",
            "--v=0",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    channels: int
    pixels: bytes  # rows of width * channels bytes, filters undone

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        i = (y * self.width + x) * self.channels
        return self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]

    def sample(self, step: int = 4) -> list[tuple[int, int, int]]:
        return [
            self.pixel(x, y)
            for y in range(0, self.height, step)
            for x in range(0, self.width, step)
        ]


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind: int, line: bytearray, previous: bytearray, channels: int) -> None:
    n = len(line)
    if kind == 1:
        for i in range(channels, n):
            line[i] = (line[i] + line[i - channels]) & 0xFF
    elif kind == 2:
        line[:] = bytes((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
    elif kind == 3:
        for i in range(n):
            left = line[i - channels] if i >= channels else 0
            line[i] = (line[i] + (left + previous[i]) // 2) & 0xFF
    elif kind == 4:
        for i in range(n):
            if i >= channels:
                line[i] = (
                    line[i] + _paeth(line[i - channels], previous[i], previous[i - channels])
                ) & 0xFF
            else:
                line[i] = (line[i] + previous[i]) & 0xFF


def read_png(path: Path, rows: int | None = None) -> Picture:
    """The picture, or only its first `rows` rows (rows depend on the ones above them)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, header = 8, bytearray(), None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert header is not None, f"{path}: no IHDR"
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"{path}: unsupported {header}"
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    height = min(height, rows) if rows is not None else height
    out = bytearray()
    previous = bytearray(stride)
    for y in range(height):
        begin = y * (stride + 1)
        line = bytearray(raw[begin + 1 : begin + 1 + stride])
        _unfilter(raw[begin], line, previous, channels)
        out += line
        previous = line
    return Picture(width, height, channels, bytes(out))
