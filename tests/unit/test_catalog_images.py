"""Uploads are judged by their bytes: real JPEG/PNG/WebP pass, anything else (whatever its name) is refused."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from apps.catalog.exceptions import UnsupportedImage
from apps.catalog.use_cases.images import inspect_image


def _encode(fmt: str, size=(8, 5)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt,content_type", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_accepted_formats(fmt, content_type):
    info = inspect_image(_encode(fmt), max_pixels=10_000)
    assert (info.content_type, info.width, info.height) == (content_type, 8, 5)


@pytest.mark.parametrize("data", [
    b"just some text, not a picture",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # a PNG signature with garbage behind it
    _encode("GIF"),                         # a real image, but not an accepted format
    _encode("BMP"),
    _encode("PNG")[:30],                    # truncated
])
def test_refused_content(data):
    with pytest.raises(UnsupportedImage):
        inspect_image(data, max_pixels=10_000)


def test_oversized_dimensions_refused_without_decoding():
    with pytest.raises(UnsupportedImage):
        inspect_image(_encode("PNG", size=(200, 200)), max_pixels=10_000)
