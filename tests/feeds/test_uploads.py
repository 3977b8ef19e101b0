"""Bad uploads answer 4xx with a message and store nothing (no rows, no files); good ones are re-encoded."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from feeds import actions
from feeds.models import Attachment, FeedItem
from sopsocial.audit.models import AuditEvent

from . import factories as f


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def _bomb_png():
    # A 20000 x 20000 PNG of one colour: tiny on disk, 400 M pixels once decoded.
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    return buffer.getvalue()


BAD = {
    "empty": ("notes.csv", b"", "is empty"),
    "png that is html": ("chart.png", b"<html><script>alert(1)</script></html>", "not a PNG"),
    "svg with script": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "not accepted",
    ),
    "html": ("page.html", b"<!doctype html><script>alert(1)</script>", "not accepted"),
    "csv that is html": ("data.csv", b"<html><body><script>alert(1)</script>", "HTML"),
    "pdf that is not": ("report.pdf", b"MZ\x90\x00 not a pdf", "not a PDF"),
    "xlsx that is a plain zip": ("plan.xlsx", _zip({"readme.txt": "hi"}), "not a XLSX"),
    "docx that is text": ("memo.docx", b"just text", "not a valid DOCX"),
    "decompression bomb": ("huge.png", _bomb_png(), "too large an image"),
}


@pytest.fixture
def setup(tenant):
    alex = f.member(tenant)
    return alex, f.subject(tenant, "Contoso Retail")


def _stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_upload_answers_4xx_with_a_message_and_stores_nothing(case, setup, client_for, media_root):
    alex, subject = setup
    name, content, message = BAD[case]
    before = (FeedItem.objects.count(), Attachment.objects.count(), AuditEvent.objects.count())
    response = client_for(alex).post(
        reverse("feeds:post_create", kwargs={"tenant_slug": alex.tenant.slug, "subject_id": subject.pk}),
        {
            "body": "See attached",
            "files": [SimpleUploadedFile(name, content), SimpleUploadedFile("ok.png", f.png_bytes())],
        },
        HTTP_HX_REQUEST="true",
    )
    assert 400 <= response.status_code < 500
    assert message in response.content.decode()
    assert (FeedItem.objects.count(), Attachment.objects.count(), AuditEvent.objects.count()) == before
    assert _stored_files(media_root) == []


def test_upload_over_the_size_limit_is_refused(setup, client_for, media_root, settings):
    settings.FEEDS_MAX_UPLOAD_BYTES = 1024
    alex, subject = setup
    response = client_for(alex).post(
        reverse("feeds:post_create", kwargs={"tenant_slug": alex.tenant.slug, "subject_id": subject.pk}),
        {"body": "big", "files": [SimpleUploadedFile("big.csv", b"a,b\n" * 1000)]},
    )
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert not FeedItem.objects.exists() and _stored_files(media_root) == []


def test_good_files_are_stored_reencoded_and_served_safely(setup, client_for, media_root):
    alex, subject = setup
    # A PNG with trailing HTML after IEND: re-encoding drops the payload.
    png = f.png_bytes((40, 30)) + b"<script>alert(1)</script>"
    xlsx = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
    post = actions.check_create_post(
        alex,
        subject=subject,
        body="Files",
        files=[
            SimpleUploadedFile("demand.png", png),
            SimpleUploadedFile("plan.xlsx", xlsx),
            SimpleUploadedFile("data.csv", b"sku,qty\nOAT500,4800\n"),
            SimpleUploadedFile("spec.pdf", b"%PDF-1.4 minimal"),
        ],
    )
    image, sheet, csv, pdf = post.attachments.order_by("id")
    assert image.kind == "image" and image.width == 40 and image.thumbnail
    assert b"<script>" not in image.file.read()
    assert "/" not in image.file.name.rsplit("feeds/", 1)[-1].split("/", 1)[-1]  # random stored name
    client = client_for(alex)
    shown = client.get(
        reverse("feeds:attachment", kwargs={"tenant_slug": alex.tenant.slug, "attachment_id": image.pk})
    )
    assert shown["Content-Type"] == "image/png" and shown["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in shown.get("Content-Disposition", "")
    for a in (sheet, csv, pdf):
        r = client.get(
            reverse("feeds:attachment", kwargs={"tenant_slug": alex.tenant.slug, "attachment_id": a.pk})
        )
        assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
        assert r["Content-Type"] == "application/octet-stream" and r["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in r["Content-Security-Policy"]
    actions.do_delete_post(alex, post)
    gone = client.get(
        reverse("feeds:attachment", kwargs={"tenant_slug": alex.tenant.slug, "attachment_id": image.pk})
    )
    assert gone.status_code == 404


def _jpeg_with_metadata():
    exif = Image.Exif()
    exif[0x010E] = "secret exif description"  # ImageDescription
    exif[0x8298] = "secret exif copyright"  # Copyright
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(
        buffer, format="JPEG", comment=b"secret jpeg comment", exif=exif, icc_profile=b"secret icc profile"
    )
    return buffer.getvalue()


def _png_with_metadata():
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "secret png text")
    text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret xmp</x:xmpmeta>")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30)).save(
        buffer, format="PNG", pnginfo=text, icc_profile=b"secret icc profile", exif=b"Exif\x00\x00secret"
    )
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"), [("photo.jpg", _jpeg_with_metadata()), ("chart.png", _png_with_metadata())]
)
def test_reencoded_images_and_thumbnails_keep_no_metadata(name, content):
    from feeds.uploads import inspect_upload

    assert b"secret" in content  # the upload carries the metadata
    checked = inspect_upload(SimpleUploadedFile(name, content))
    for stored in (b"".join(checked.chunks()), checked.thumbnail):
        assert b"secret" not in stored
        reopened = Image.open(io.BytesIO(stored))
        assert not {"comment", "exif", "icc_profile", "xmp", "Comment"} & set(reopened.info)
        assert not reopened.getexif()
        if reopened.format == "JPEG":
            assert b"\xff\xfe" not in stored.split(b"\xff\xda", 1)[0]  # no COM segment before the scan
