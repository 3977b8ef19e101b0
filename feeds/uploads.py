"""Attachment checks: allow-listed by content, not by name.

`inspect_upload(uploaded_file)` reads the file, decides what it really is and returns a
`CheckedUpload` (bytes to store, kind, content type, thumbnail) or raises ValidationError with a
message for the user. Nothing is written here: the action stores checked uploads only once every
file and the post itself are valid.

Images are decoded by Pillow with a pixel limit (a decompression bomb is refused before its pixels
are allocated), then re-encoded from their pixels alone (no EXIF, comment, ICC or XMP, nothing hidden
after the image data) and thumbnailed. Office files must be ZIPs with the parts of their format; ZIPs
are checked for a sane uncompressed size; CSV must be text; PDF must start like a PDF. SVG, HTML and
anything else are refused.
"""

import hashlib
import io
import os
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

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


@dataclass
class CheckedUpload:
    original_name: str
    extension: str  # what we store it as
    kind: str  # Attachment.Kind value
    content_type: str
    content: bytes
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()


def max_upload_bytes():
    return settings.FEEDS_MAX_UPLOAD_BYTES


def safe_display_name(name):
    """The user's file name, reduced to something harmless to show and to send as a download name."""
    name = unicodedata.normalize("NFKC", os.path.basename(str(name or "").replace("\\", "/")))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"/\\|?*\x00')
    name = name.strip(" .")[:150]
    return name or "file"


def _refuse(name, message):
    raise ValidationError(f"{name}: {message}", code="invalid_file")


def inspect_upload(uploaded):
    name = safe_display_name(getattr(uploaded, "name", "file"))
    size = getattr(uploaded, "size", None)
    limit = max_upload_bytes()
    if size is not None and size > limit:
        _refuse(name, f"is larger than the {limit // (1024 * 1024)} MB limit.")
    content = b"".join(uploaded.chunks()) if hasattr(uploaded, "chunks") else uploaded.read()
    if len(content) > limit:
        _refuse(name, f"is larger than the {limit // (1024 * 1024)} MB limit.")
    if not content:
        _refuse(name, "is empty.")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        _refuse(name, f"this type of file is not accepted. Allowed: {', '.join(ALLOWED_EXTENSIONS)}.")
    if extension in IMAGE_FORMATS:
        return _check_image(name, extension, content)
    if extension == "pdf":
        if not content.startswith(b"%PDF-"):
            _refuse(name, "is not a PDF document.")
        return CheckedUpload(name, "pdf", "pdf", CONTENT_TYPES["pdf"], content)
    if extension == "csv":
        return _check_csv(name, content)
    return _check_zip_based(name, extension, content)


def _check_image(name, extension, content):
    expected = IMAGE_FORMATS[extension]
    max_pixels = settings.FEEDS_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
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
    buffer = io.BytesIO()
    image.save(buffer, format=out_format, **({"quality": 88} if out_format == "JPEG" else {"optimize": True}))
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
        buffer.getvalue(),
        thumbnail=thumb_buffer.getvalue(),
        width=width,
        height=height,
    )


def _check_csv(name, content):
    if b"\x00" in content:
        _refuse(name, "is not a text CSV file.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            _refuse(name, "is not a text CSV file.")
    if _HTML_SNIFF.match(content) or "<script" in text.lower():
        _refuse(name, "looks like HTML, not CSV.")
    return CheckedUpload(name, "csv", "csv", CONTENT_TYPES["csv"], content)


def _check_zip_based(name, extension, content):
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
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
    return CheckedUpload(name, extension, extension, CONTENT_TYPES[extension], content)
