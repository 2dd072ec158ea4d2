"""Large batches' print files: prepared once in the background, polled, served, decoded.

Real parts throughout: the task queue's real worker (Huey's consumer, in threads of this
process: ``print_worker`` in conftest) prepares the files while the test polls the API, the
job's state and the queue are in the database (SQLite files or PostgreSQL), and the files that
come back are decoded label by label with zxing-cpp against the manifest. A worker as a
process of its own, killed mid-job or on another host: tests/test_print_worker.py.
"""

import csv
import io
import time
import zipfile
from datetime import timedelta

from sqlalchemy import select

from backend.models import PrintJob
from backend.models.types import utcnow
from backend.services import print_jobs, printing
from qr import SheetLayout
from tests.qr.decode import label_texts, pdf_pages, png_image, texts

SIZE = 40  # two sheets of the 25 mm machine; above the threshold the tests set


def mint(client, auth, make, size=SIZE):
    event = make.event()
    response = client.post(
        f"/api/v1/events/{event.slug}/batches",
        json={"label": "Day 1", "channel": "ut-desk", "size": size},
        headers=auth("organiser"),
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def poll(client, headers, url, timeout=60):
    """GET until the file is there; returns (the 202 bodies seen, the final response)."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(url, headers=headers)
        if response.status_code != 202:
            return seen, response
        assert response.headers["Retry-After"] == "5"
        seen.append(response.json)
        time.sleep(0.1)
    raise AssertionError(f"{url} still being prepared after {timeout} s")


def manifest_urls(client, headers, batch_id):
    text = client.get(f"/api/v1/batches/{batch_id}/manifest.csv", headers=headers).text
    return sorted(row["url"] for row in csv.DictReader(io.StringIO(text)))


def decoded_sheets(data: bytes) -> list[str]:
    pages = pdf_pages(data, 4, printing=True)
    return sorted(t for page in pages for t in label_texts(page, SheetLayout(), 4))


def test_a_large_batch_is_prepared_in_the_background_and_served_when_ready(
    client, auth, make, db, background, gate
):
    headers = auth("organiser")
    batch_id = mint(client, auth, make)  # minting starts the default sheets at once
    url = f"/api/v1/batches/{batch_id}/sheets.pdf"
    waiting = client.get(url, headers=headers)
    assert waiting.status_code == 202 and waiting.mimetype == "application/json"
    assert waiting.json == {"state": "preparing", "done": 0, "total": SIZE, "progress": 0.0}
    job = db.session.scalar(select(PrintJob).where(PrintJob.batch_id == batch_id))
    assert (job.state, job.attempt, job.total) == ("preparing", 1, SIZE)
    gate.set()
    seen, ready = poll(client, headers, url)
    assert ready.status_code == 200 and ready.mimetype == "application/pdf"
    assert all(body["total"] == SIZE and 0 <= body["progress"] <= 1 for body in seen)
    assert decoded_sheets(ready.data) == manifest_urls(client, headers, batch_id)
    db.session.expire_all()
    assert (job.state, job.done, job.attempt) == ("ready", SIZE, 1)
    # The bundle came from the same run: ready at once, and every image decodes.
    bundle = client.get(f"/api/v1/batches/{batch_id}/bundle.zip", headers=headers)
    assert bundle.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(bundle.data))
    assert archive.read("sheets.pdf") == ready.data
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert sorted(r["url"] for r in rows) == manifest_urls(client, headers, batch_id)
    for row in rows[:10]:
        assert texts(png_image(archive.read(f"png/{row['code']}.png"))) == [row["url"]]


def test_print_status_gives_a_ready_file_and_starts_no_layout_by_being_asked(
    app, client, auth, make, db, background, print_worker
):
    batch_id = mint(client, auth, make)
    base, layout = app.config["PUBLIC_BASE_URL"], SheetLayout()
    look = printing.edition_look(app.config)
    print_worker.wait()
    status = print_jobs.print_status(batch_id, base, layout, look, background)
    assert (status.state, status.done, status.total, status.progress) == ("ready", SIZE, SIZE, 1.0)
    assert decoded_sheets(status.file("sheets.pdf").read_bytes()) == manifest_urls(
        client, auth("organiser"), batch_id
    )
    other = print_jobs.print_status(batch_id, base, SheetLayout.for_preset("38"), look, background)
    assert other.state == "none"  # a layout nobody asked for is not started by looking


def test_a_job_left_preparing_by_a_dead_worker_is_taken_over(client, auth, make, db, background):
    headers = auth("organiser")
    event = make.event()
    from backend.services.pins import mint_batch

    batch = mint_batch(event.slug, "Day 1", "ut-desk", SIZE)  # no request: nothing started
    look = printing.edition_look(client.application.config)
    key = print_jobs.variant(SheetLayout(), look, "https://pins.example.org")
    stale = utcnow() - timedelta(minutes=5)
    db.session.add(
        PrintJob(batch_id=batch.id, variant=key, total=SIZE, done=12, heartbeat_at=stale)
    )
    db.session.commit()
    url = f"/api/v1/batches/{batch.id}/sheets.pdf"
    _, ready = poll(client, headers, url)
    assert ready.status_code == 200
    assert decoded_sheets(ready.data) == manifest_urls(client, headers, batch.id)
    job = db.session.scalar(select(PrintJob).where(PrintJob.batch_id == batch.id))
    db.session.refresh(job)
    assert (job.state, job.attempt, job.done) == ("ready", 2, SIZE)


def test_a_failed_preparation_answers_the_json_envelope(
    client, auth, make, db, background, monkeypatch, print_worker
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(print_jobs, "print_set", broken)
    headers = auth("organiser")
    batch_id = mint(client, auth, make)
    print_worker.wait()
    response = client.get(f"/api/v1/batches/{batch_id}/bundle.zip", headers=headers)
    assert response.status_code == 503
    assert response.json["error"]["code"] == "print_failed"
    assert "OSError" in response.json["error"]["message"]
    job = db.session.scalar(select(PrintJob).where(PrintJob.batch_id == batch_id))
    assert (job.state, job.error) == ("failed", "OSError")
    assert not list(background.glob("*"))  # no half file left behind


def test_small_batches_are_still_answered_at_once(client, auth, make, db, background):
    batch_id = mint(client, auth, make, size=8)
    response = client.get(f"/api/v1/batches/{batch_id}/sheets.pdf", headers=auth("organiser"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert db.session.query(PrintJob).count() == 0


def test_a_bad_layout_of_a_large_batch_is_refused_before_any_job(
    client, auth, make, db, background
):
    batch_id = mint(client, auth, make)
    url = f"/api/v1/batches/{batch_id}/sheets.pdf?preset=31"
    response = client.get(url, headers=auth("organiser"))
    assert response.status_code == 422 and response.json["error"]["fields"] == {
        "preset": ["must be one of 25, 32, 38, 44, 56, 58"]
    }
    assert db.session.query(PrintJob).count() == 1  # only the default, started at minting
