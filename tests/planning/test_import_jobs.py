"""The XLSX bomb and big imports (issue 13 item 7): a workbook whose parts unpack to too much is refused
from its ZIP directory before it is opened; big imports run as jobs in a memory-capped child process of
the worker, with a progress bar and the result or errors on their page; a failed job writes nothing."""

import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import reverse

from planning import imports
from planning.actions.import_jobs import JobProgress
from planning.models import ImportJob, Product
from sopsocial.audit.models import AuditEvent

MiB = 1024 * 1024
PRODUCTS_CSV = (
    "sku,name,brand,family,unit,case_size\nNW-1,Oat Crunch 500g,Crunchy,Cereal,case,12\nNW-2,Bran 1kg,,,,\n"
)


def _upload(client, tenant, kind, name, data, **extra):
    url = reverse("planning:import", kwargs={"tenant_slug": tenant.slug})
    return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, data), **extra})


def _workbook(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
)


def _shared_strings_bomb(strings):
    """A real workbook whose sharedStrings.xml holds `strings` entries: ~50 KB per million of them."""
    good = zipfile.ZipFile(io.BytesIO(_workbook([["sku", "name"], ["NW-1", "Oats"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in good.infolist():
            data = good.read(info.filename)
            if info.filename == "[Content_Types].xml":  # openpyxl writes inline strings: declare the part
                data = data.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            out.writestr(info.filename, data)
        with out.open("xl/sharedStrings.xml", "w") as part:
            namespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
            part.write(f'<sst xmlns="{namespace}" count="{strings}">'.encode())
            block = b"<si><t>sku</t></si>" * 10_000
            for _ in range(strings // 10_000):
                part.write(block)
            part.write(b"</sst>")
    return buffer.getvalue()


def test_an_xlsx_bomb_is_refused_from_its_zip_directory_before_it_is_opened(
    tenant, planner_member, client_for
):
    bomb = _shared_strings_bomb(1_000_000)
    assert len(bomb) < 100 * 1024  # under 100 KB that unpack to ~19 MB of XML, a million strings
    events = AuditEvent.objects.count()
    tracemalloc.start()
    try:
        response = _upload(client_for(planner_member), tenant, "products", "bomb.xlsx", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 422
    [error] = response.context["errors"]
    assert error["field"] == "file" and "xl/sharedStrings.xml unpacks" in error["message"]
    assert "times its packed size" in error["message"]
    # openpyxl never read it: before the check this took seconds and well over 100 MB
    assert peak < 20 * MiB, f"{peak / MiB:.0f} MiB"
    assert not Product.objects.exists() and AuditEvent.objects.count() == events


def test_workbook_limits_each_name_the_limit(settings):
    book = _workbook([["sku", "name"], *[[f"SKU-{i}", "x" * 50] for i in range(3000)]])
    total = imports.check_workbook(book)
    assert total > len(book)
    settings.PLANNING_XLSX_MAX_UNPACKED_BYTES = total - 1
    with pytest.raises(ValueError, match="unpacks to .*; at most .* is accepted"):
        imports.check_workbook(book)
    settings.PLANNING_XLSX_MAX_UNPACKED_BYTES = total
    settings.PLANNING_XLSX_MAX_PART_BYTES = 100 * 1024
    with pytest.raises(ValueError, match="part xl/worksheets/sheet1.xml unpacks to .* per part"):
        imports.check_workbook(book)
    settings.PLANNING_XLSX_MAX_PART_BYTES = total
    settings.PLANNING_XLSX_MAX_PARTS = 3
    with pytest.raises(ValueError, match=r"The workbook has \d+ parts; at most 3"):
        imports.check_workbook(book)


def test_a_small_xlsx_is_still_imported_inline(tenant, planner_member, client_for):
    book = _workbook([["sku", "name"], ["NW-1", "Oats"]])
    response = _upload(client_for(planner_member), tenant, "products", "p.xlsx", book)
    assert response.status_code == 200 and response.context["counts"]["created"] == 1
    assert not ImportJob.objects.exists()


# --- jobs: the worker's child process needs committed rows it can see -----------------------------


@pytest.fixture
def big_imports(settings, tmp_path):
    settings.PLANNING_IMPORT_INLINE_MAX_BYTES = 50  # every test file here is "big"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_big_import_runs_as_a_job_with_progress_and_its_result(
    tenant, planner_member, client_for, big_imports
):
    client = client_for(planner_member)
    response = _upload(client, tenant, "products", "p.csv", PRODUCTS_CSV.encode())

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    # the task ran (inline after commit here; in the worker in production) in a child process
    assert job.status == "done" and job.counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert job.done == job.total == 2
    assert set(Product.objects.values_list("sku", flat=True)) == {"NW-1", "NW-2"}
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="planning.")
        .order_by("seq")
        .values_list("verb", "actor_id")
    )
    assert verbs == [
        ("planning.import_queue", planner_member.user_id),
        ("planning.products_load", planner_member.user_id),
    ]
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<progress id="import-progress" value="1" max="1">' in page
    assert "Imported: 2 new, 0 changed, 0 unchanged." in page
    assert _stored(big_imports) == []  # the stored upload is removed once the job ends
    assert f"#{job.pk} p.csv" in client.get(reverse("planning:import", args=[tenant.slug])).content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_with_bad_rows_writes_nothing_and_lists_the_errors(
    tenant, planner_member, client_for, big_imports
):
    bad = PRODUCTS_CSV + "NW-3,,,,,abc\n"
    client = client_for(planner_member)
    _upload(client, tenant, "products", "p.csv", bad.encode())

    job = ImportJob.objects.get()
    assert job.status == "failed" and job.error_count == 2
    assert {"row": 4, "field": "name", "message": "name is required"} in job.errors
    assert not Product.objects.exists()
    page = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "2 problems: nothing was imported" in page and "hx-trigger" not in page  # polling stops
    assert _stored(big_imports) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_past_the_memory_limit_fails_in_its_child_and_writes_nothing(
    tenant, planner_member, client_for, big_imports, settings
):
    # enough for Python, Django and pandas to start (~270 MB of address space), not for 150,000 rows
    settings.PLANNING_IMPORT_MEMORY_LIMIT_BYTES = 340 * MiB
    rows = "".join(
        f"MEM-{i},Product number {i} with a long name,Brand {i % 50},Family,case,{i}\n"
        for i in range(150_000)
    )
    client = client_for(planner_member)
    response = _upload(
        client, tenant, "products", "big.csv", ("sku,name,brand,family,unit,case_size\n" + rows).encode()
    )

    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert (
        "needed more than the 340 MB of memory an import may use; nothing was imported"
        in job.errors[0]["message"]
    )
    assert not Product.objects.exists()
    assert "products_load" not in " ".join(AuditEvent.objects.values_list("verb", flat=True))
    assert _stored(big_imports) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_job_progress_is_visible_to_the_page_while_the_load_transaction_is_open(tenant, planner_member):
    job = ImportJob.objects.create(
        tenant=tenant, created_by=planner_member.user, kind="products", file_name="p.csv", size=1
    )
    progress = JobProgress(job)
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with transaction.atomic():
            progress.phase(ImportJob.Phase.WRITING, total=400)
            for i in range(200):
                progress.tick(i)
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT status, phase, done, total FROM planning_importjob WHERE id = %s", [job.pk]
                )
                assert cursor.fetchone() == ("running", "writing", 200, 400)
    finally:
        progress.close()
        other.close()
