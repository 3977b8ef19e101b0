"""Upload memory and allowances (issue 13 item 6): a post of ten 10 MB files streams through temporary
files instead of memory; a body over the limit is refused before it is read (WSGI and ASGI); a person's
hourly allowance and a tenant's storage quota refuse with a message naming the limit and what is used."""

import asyncio
import json
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import ClientHandler, RequestFactory
from django.urls import reverse

from feeds.models import Attachment, FeedItem
from sopsocial.audit.models import AuditEvent
from sopsocial.pages.body_limit import limit_request_body

from . import factories as f

MiB = 1024 * 1024
BOUNDARY = "sopsocialboundary"


def _post_url(member, subject):
    return reverse("feeds:post_create", kwargs={"tenant_slug": member.tenant.slug, "subject_id": subject.pk})


def _multipart_file(path, files, fields):
    """Write a multipart body to `path` chunk by chunk (the test itself holds no file in memory)."""
    with open(path, "wb") as out:
        for name, value in fields.items():
            out.write(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for filename, size in files:
            out.write(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
                "Content-Type: text/csv\r\n\r\n".encode()
            )
            out.write(b"sku,qty\n")
            row = b"OAT500,4800\n"
            written = 8
            block = row * 8192
            while written + len(block) <= size:
                out.write(block)
                written += len(block)
            out.write(row * ((size - written) // len(row)))
            out.write(b"\r\n")
        out.write(f"--{BOUNDARY}--\r\n".encode())
    return Path(path).stat().st_size


def _rss_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


def _handle_streamed_post(client, url, body_path, length):
    """Run one request through Django's handler with the body read from a file, as a server would.
    Returns (response, tracemalloc peak bytes, growth of the process's peak RSS in KiB)."""
    environ = RequestFactory()._base_environ(
        PATH_INFO=url,
        REQUEST_METHOD="POST",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(length),
        HTTP_COOKIE="; ".join(f"{k}={v.value}" for k, v in client.cookies.items()),
    )
    with open(body_path, "rb") as body:
        environ["wsgi.input"] = body
        try:
            Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS (VmHWM) to the current RSS
        except OSError:
            pass
        rss_before = _rss_kib("VmRSS:")
        tracemalloc.start()
        try:
            response = ClientHandler(enforce_csrf_checks=False)(environ)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        rss_growth = _rss_kib("VmHWM:") - rss_before
    return response, peak, rss_growth


@pytest.mark.django_db(transaction=True)
def test_a_post_of_ten_10_mb_files_streams_through_temporary_files_not_memory(
    tenant, client_for, media_root, tmp_path, settings
):
    alex, subject = f.member(tenant), f.subject(tenant)
    client = client_for(alex)
    size = settings.FEEDS_MAX_UPLOAD_BYTES - 1024
    files = [(f"week{i}.csv", size) for i in range(settings.FEEDS_MAX_FILES_PER_POST)]
    length = _multipart_file(tmp_path / "body", files, {"body": "Ten weeks of orders"})
    assert length > 99 * MiB

    response, peak, rss_growth = _handle_streamed_post(
        client, _post_url(alex, subject), tmp_path / "body", length
    )

    assert response.status_code == 302, response.content[:500]
    post = FeedItem.objects.get(body="Ten weeks of orders")
    sizes = [a.size for a in post.attachments.all()]
    assert len(sizes) == 10 and all(9 * MiB < s <= size for s in sizes)
    print(
        f"\n10 x 10 MB post: tracemalloc peak {peak / MiB:.1f} MiB, "
        f"peak RSS growth {rss_growth / 1024:.1f} MiB"
    )
    # Before the fix each file was held in memory (and joined again to sniff it): over 200 MiB.
    assert peak < 16 * MiB, f"the post allocated {peak / MiB:.0f} MiB in Python"


def test_a_body_over_the_limit_is_refused_413_before_it_is_read(
    tenant, client_for, media_root, tmp_path, settings
):
    settings.REQUEST_MAX_BODY_BYTES = 2 * MiB
    alex, subject = f.member(tenant), f.subject(tenant)
    client = client_for(alex)
    length = _multipart_file(tmp_path / "body", [("big.csv", 8 * MiB)], {"body": "too big"})

    response, peak, _rss = _handle_streamed_post(client, _post_url(alex, subject), tmp_path / "body", length)

    assert response.status_code == 413
    assert "too large" in response.content.decode() and "2 MB" in response.content.decode()
    assert peak < 4 * MiB  # the 8 MB body was not read
    assert not FeedItem.objects.exists() and not Attachment.objects.exists()


def test_a_body_over_the_limit_answers_json_for_htmx_and_the_api(tenant, client_for, settings):
    settings.REQUEST_MAX_BODY_BYTES = 1024
    alex, subject = f.member(tenant), f.subject(tenant)
    response = client_for(alex).post(
        _post_url(alex, subject),
        {"body": "x", "files": [SimpleUploadedFile("a.csv", b"a,b\n" * 1000)]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 413
    assert response.json()["field"] == "body" and "too large" in response.json()["error"]


def _asgi_call(app, headers, chunks):
    sent, reached = [], []
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)
    ]

    async def inner(scope, receive, send):
        reached.append(True)
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left: Django answers nothing
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/t/x/feeds/", "headers": headers}
    asyncio.run(limit_request_body(inner)(scope, receive, send))
    return sent, reached


def test_asgi_refuses_a_declared_oversized_body_before_django_reads_it(settings):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    sent, reached = _asgi_call(None, [(b"content-length", b"5000")], [b"x" * 5000])
    assert sent[0]["status"] == 413 and b"too large" in sent[1]["body"]
    assert not reached


def test_asgi_refuses_a_chunked_body_once_it_passes_the_limit(settings):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    sent, reached = _asgi_call(None, [(b"hx-request", b"true")], [b"x" * 600, b"x" * 600, b"x" * 600])
    assert reached and [m.get("status") for m in sent if m["type"] == "http.response.start"] == [413]
    assert json.loads(sent[1]["body"])["field"] == "body"


def test_asgi_passes_a_body_within_the_limit(settings):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    sent, reached = _asgi_call(None, [(b"content-length", b"900")], [b"x" * 900])
    assert reached and sent[0]["status"] == 200


def _post_files(client, member, subject, files, body="Files"):
    return client.post(
        _post_url(member, subject),
        {"body": body, "files": [SimpleUploadedFile(name, content) for name, content in files]},
        HTTP_HX_REQUEST="true",
    )


def test_hourly_file_allowance_per_person_refuses_with_the_limit_and_the_count(
    tenant, client_for, media_root, settings
):
    settings.FEEDS_UPLOAD_FILES_PER_HOUR = 3
    alex, subject = f.member(tenant), f.subject(tenant)
    client = client_for(alex)
    assert _post_files(client, alex, subject, [("a.csv", b"a\n1\n"), ("b.csv", b"b\n2\n")]).status_code == 200
    before = (FeedItem.objects.count(), Attachment.objects.count(), AuditEvent.objects.count())

    refused = _post_files(client, alex, subject, [("c.csv", b"c\n3\n"), ("d.csv", b"d\n4\n")], body="More")

    assert refused.status_code == 422
    assert "You can attach 3 files per hour; you have attached 2 in the last hour" in refused.content.decode()
    assert (FeedItem.objects.count(), Attachment.objects.count(), AuditEvent.objects.count()) == before
    # someone else in the same tenant still can
    sam = f.member(tenant)
    assert _post_files(client_for(sam), sam, subject, [("e.csv", b"e\n5\n")]).status_code == 200


def test_hourly_byte_allowance_per_person_counts_every_tenant(
    tenant, other_tenant, client_for, media_root, settings
):
    settings.FEEDS_UPLOAD_BYTES_PER_HOUR = 3000
    alex = f.member(tenant)
    elsewhere = f.member(other_tenant, user=alex.user)
    client = client_for(alex)
    ok = _post_files(client, elsewhere, f.subject(other_tenant), [("a.csv", b"a,b\n" * 500)])
    assert ok.status_code == 200

    refused = _post_files(client, alex, f.subject(tenant), [("b.csv", b"a,b\n" * 500)])

    assert refused.status_code == 422
    page = refused.content.decode()
    assert "You can attach 2.9 KB of files per hour; you have attached 2 KB in the last hour" in page
    assert "these files are 2 KB. Try again later." in page
    assert not FeedItem.objects.filter(tenant=tenant).exists()


def test_tenant_storage_quota_refuses_with_what_is_used_and_the_limit(
    tenant, other_tenant, client_for, media_root, settings
):
    settings.FEEDS_TENANT_STORAGE_BYTES = 3 * MiB
    alex, subject = f.member(tenant), f.subject(tenant)
    client = client_for(alex)
    two_mb = b"sku,qty\n" + b"OAT500,4800\n" * (2 * MiB // 12)
    assert _post_files(client, alex, subject, [("a.csv", two_mb)]).status_code == 200

    refused = _post_files(client, alex, subject, [("b.csv", two_mb)], body="Second")

    assert refused.status_code == 422
    assert "file storage is full: 2 MB of 3 MB used, and these files need 2 MB" in refused.content.decode()
    assert Attachment.objects.filter(tenant=tenant).count() == 1
    assert len([p for p in media_root.rglob("*") if p.is_file()]) == 1
    # the quota is per tenant: another tenant's members are not affected
    sam = f.member(other_tenant)
    assert _post_files(client_for(sam), sam, f.subject(other_tenant), [("c.csv", two_mb)]).status_code == 200


def test_the_quota_is_checked_again_under_lock_when_the_post_is_written(tenant, media_root, settings):
    """Two posts checked at the same time cannot both pass: do_create_post re-checks with the rows locked."""
    from feeds import actions, uploads

    settings.FEEDS_TENANT_STORAGE_BYTES = 1500
    alex, subject = f.member(tenant), f.subject(tenant)
    first = uploads.inspect_upload(SimpleUploadedFile("a.csv", b"a,b\n" * 250))
    second = uploads.inspect_upload(SimpleUploadedFile("b.csv", b"a,b\n" * 250))
    actions.do_create_post(alex, subject=subject, body="first", uploads=[first])
    with pytest.raises(Exception) as refused:
        actions.do_create_post(alex, subject=subject, body="second", uploads=[second])
    assert "file storage is full" in str(refused.value)
    assert FeedItem.objects.filter(body="second").count() == 0
    assert len([p for p in media_root.rglob("*") if p.is_file()]) == 1
