"""Attachment checks: allow-listed by content, not by name.

`inspect_upload(uploaded_file)` reads the file in chunks, decides what it really is and returns a
`CheckedUpload` (the file to store, kind, content type, size, SHA-256, thumbnail) or raises
ValidationError with a message for the user. Nothing is written here: the action stores checked uploads
only once every file and the post itself are valid.

Uploads arrive as temporary files (settings.FILE_UPLOAD_HANDLERS) and are inspected from there, one
chunk at a time: a post of ten 10 MB files never holds them in memory. Images are decoded by Pillow from
the file with a pixel limit (a decompression bomb is refused before its pixels are allocated), then
re-encoded from their pixels alone (no EXIF, comment, ICC or XMP, nothing hidden after the image data)
into a spooled temporary file, and thumbnailed. Office files must be ZIPs with the parts of their
format; ZIPs are checked for a sane uncompressed size; CSV must be text; PDF must start like a PDF. SVG,
HTML and anything else are refused.
"""

import codecs
import hashlib
import io
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}
OFFICE_PARTS = {
    "xlsx": "xl/workbook.xml",
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
}
CONTENT_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "csv": "text/csv",
    "zip": "application/zip",
}
ALLOWED_EXTENSIONS = sorted(set(IMAGE_FORMATS) | set(OFFICE_PARTS) | {"pdf", "csv", "zip"})
THUMBNAIL_SIZE = (480, 480)
_HTML_SNIFF = re.compile(rb"^\s*(<!doctype|<html|<script|<svg|<\?xml|<body|<head|<iframe|<!--)", re.I)


CHUNK = 64 * 1024
# Re-encoded images stay in memory up to this size, then spill to a temporary file.
SPOOL_BYTES = 1024 * 1024
HEAD_BYTES = 8192  # sniffed for HTML and the PDF signature


@dataclass
class CheckedUpload:
    original_name: str
    extension: str  # what we store it as
    kind: str  # Attachment.Kind value
    content_type: str
    file: IO[bytes]  # what to store: the uploaded file itself, or the re-encoded image
    size: int
    sha256: str
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None

    def chunks(self):
        self.file.seek(0)
        while chunk := self.file.read(CHUNK):
            yield chunk


def max_upload_bytes():
    return settings.FEEDS_MAX_UPLOAD_BYTES


def size_label(n):
    """A byte count for people: "12.5 MB", "3 MB", "2.9 KB", "80 bytes"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def safe_display_name(name):
    """The user's file name, reduced to something harmless to show and to send as a download name."""
    name = unicodedata.normalize("NFKC", os.path.basename(str(name or "").replace("\\", "/")))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"/\\|?*\x00')
    name = name.strip(" .")[:150]
    return name or "file"


def _refuse(name, message):
    raise ValidationError(f"{name}: {message}", code="invalid_file")


def _file_of(uploaded):
    """The uploaded file's underlying binary file object (a temporary file, or bytes in memory)."""
    return getattr(uploaded, "file", uploaded)


class _Scan:
    """One pass over the file in chunks: size, SHA-256, the head for sniffing, and what CSV needs
    (NUL bytes, valid UTF-8, "<script" anywhere, even across a chunk boundary)."""

    def __init__(self, source, limit):
        self.size, self.head, self.has_nul, self.utf8, self.cp1252, self.script = (
            0,
            b"",
            False,
            True,
            True,
            False,
        )
        digest = hashlib.sha256()
        decoder = codecs.getincrementaldecoder("utf-8")()
        tail = b""
        source.seek(0)
        while chunk := source.read(CHUNK):
            self.size += len(chunk)
            if self.size > limit:
                return
            digest.update(chunk)
            if len(self.head) < HEAD_BYTES:
                self.head = (self.head + chunk)[:HEAD_BYTES]
            self.has_nul = self.has_nul or b"\x00" in chunk
            if self.utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    self.utf8 = False
            if self.cp1252 and not self.utf8:
                try:
                    chunk.decode("cp1252")
                except UnicodeDecodeError:
                    self.cp1252 = False
            window = (tail + chunk).lower()
            self.script = self.script or b"<script" in window
            tail = window[-7:]
        if self.utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.utf8 = False
        if not self.utf8 and self.cp1252:
            # cp1252 was only checked from the chunk where UTF-8 failed: check the whole file now.
            source.seek(0)
            while chunk := source.read(CHUNK):
                try:
                    chunk.decode("cp1252")
                except UnicodeDecodeError:
                    self.cp1252 = False
                    break
        self.sha256 = digest.hexdigest()


def inspect_upload(uploaded):
    name = safe_display_name(getattr(uploaded, "name", "file"))
    size = getattr(uploaded, "size", None)
    limit = max_upload_bytes()
    too_big = f"is larger than the {size_label(limit)} limit."
    if size is not None and size > limit:
        _refuse(name, too_big)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        _refuse(name, f"this type of file is not accepted. Allowed: {', '.join(ALLOWED_EXTENSIONS)}.")
    source = _file_of(uploaded)
    scan = _Scan(source, limit)
    if scan.size > limit:
        _refuse(name, too_big)
    if not scan.size:
        _refuse(name, "is empty.")
    if extension in IMAGE_FORMATS:
        return _check_image(name, extension, source)
    checked = CheckedUpload(
        name, extension, extension, CONTENT_TYPES.get(extension, ""), source, scan.size, scan.sha256
    )
    if extension == "pdf":
        if not scan.head.startswith(b"%PDF-"):
            _refuse(name, "is not a PDF document.")
        return checked
    if extension == "csv":
        if scan.has_nul or not (scan.utf8 or scan.cp1252):
            _refuse(name, "is not a text CSV file.")
        if _HTML_SNIFF.match(scan.head) or scan.script:
            _refuse(name, "looks like HTML, not CSV.")
        return checked
    _check_zip_based(name, extension, source)
    return checked


def _check_image(name, extension, source):
    expected = IMAGE_FORMATS[extension]
    max_pixels = settings.FEEDS_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source.seek(0)
            # From the (temporary) file: Pillow reads what it decodes, the upload is never copied.
            image = Image.open(source)
            width, height = image.size
            # Checked from the header, before any pixel is decoded: a pixel flood never allocates.
            if width * height > max_pixels:
                _refuse(name, f"is too large an image ({width}x{height} pixels).")
            if image.format != expected:
                _refuse(name, f"its content is not a {extension.upper()} image.")
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(name, "is too large an image.")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        _refuse(name, f"its content is not a {extension.upper()} image.")
    # Re-encode: keeps the pixels only (no metadata, no trailing payloads, no polyglots).
    out_format = "JPEG" if expected == "JPEG" else "PNG"
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    if out_format == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    # Pillow writes parts of `info` back when saving (a JPEG comment, an ICC profile, XMP), so the image
    # is saved from its pixels alone; only PNG transparency, which is part of the picture, is kept.
    transparency = image.info.get("transparency") if out_format == "PNG" else None
    image.info = {} if transparency is None else {"transparency": transparency}
    buffer = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    image.save(buffer, format=out_format, **({"quality": 88} if out_format == "JPEG" else {"optimize": True}))
    size, digest = _size_and_digest(buffer)
    thumb = image.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    thumb_buffer = io.BytesIO()
    thumb.save(thumb_buffer, format=out_format)
    stored_ext = "jpg" if out_format == "JPEG" else "png"
    stem = name.rsplit(".", 1)[0]
    return CheckedUpload(
        f"{stem}.{stored_ext}",
        stored_ext,
        "image",
        CONTENT_TYPES["jpeg" if out_format == "JPEG" else "png"],
        buffer,
        size,
        digest,
        thumbnail=thumb_buffer.getvalue(),
        width=width,
        height=height,
    )


def _size_and_digest(file):
    digest, size = hashlib.sha256(), 0
    file.seek(0)
    while chunk := file.read(CHUNK):
        size += len(chunk)
        digest.update(chunk)
    return size, digest.hexdigest()


def _check_zip_based(name, extension, source):
    try:
        source.seek(0)
        archive = zipfile.ZipFile(source)  # reads the central directory only
        names = set(archive.namelist())
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse(name, f"is not a valid {extension.upper()} file.")
    total = sum(info.file_size for info in infos)
    if total > settings.FEEDS_MAX_UNZIPPED_BYTES or len(infos) > 10000:
        _refuse(name, "unpacks to too much data.")
    if extension in OFFICE_PARTS:
        if "[Content_Types].xml" not in names or OFFICE_PARTS[extension] not in names:
            _refuse(name, f"its content is not a {extension.upper()} document.")
