"""The task queue's worker as a process of its own: killed mid-job, and on another host.

Real parts: ``flask speld worker`` started as a subprocess with the test app's database
through the environment (the SQLite file, whose queue is the file beside it, or the
PostgreSQL of DATABASE_URL, whose queue is tables in it), a real ``kill -9``, and the files
that come back decoded with zxing-cpp against the manifest.
"""

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from sqlalchemy import select

from backend.models import Pin, PrintJob
from qr import SheetLayout, codes
from tests.conftest import empty_queue
from tests.qr.decode import label_texts
from tests.test_print_jobs import decoded_sheets, manifest_urls, mint, poll

ROOT = Path(__file__).resolve().parent.parent
LARGE = 2500  # some seconds of printing: long enough to kill the worker half-way


@pytest.fixture
def shared(app, db, monkeypatch, tmp_path):
    """Large batches go to the queue; no worker in this process; the print root to share."""
    monkeypatch.setitem(app.config, "PRINT_SYNC_MAX_PINS", 10)
    monkeypatch.setitem(app.config, "PRINT_DIR", str(tmp_path / "print"))
    empty_queue(app)
    workers = []
    yield tmp_path / "print", workers
    for process in workers:
        if process.poll() is None:
            process.kill()
        process.wait(30)
    empty_queue(app)


def start_worker(app, root: Path, home: Path, workers: list, **settings) -> subprocess.Popen:
    """``flask speld worker`` in ``home`` as its working directory, on the app's database."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PRINT_", "QUEUE_", "SPELD_", "FLASK_"))
    }
    env.update(
        FLASK_APP="wsgi",
        FLASK_SKIP_DOTENV="1",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY="test-secret",
        PUBLIC_BASE_URL=app.config["PUBLIC_BASE_URL"],
        PRINT_DIR=str(root),
        **{key: str(value) for key, value in settings.items()},
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "speld", "worker"],
        cwd=home,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(home / "worker.log", "ab"),  # noqa: SIM115  (closed with the process)
    )
    workers.append(process)
    return process


def job_row(db, batch_id: int) -> PrintJob:
    db.session.expire_all()
    job = db.session.scalar(select(PrintJob).where(PrintJob.batch_id == batch_id))
    db.session.commit()  # end the read: SQLite would go on seeing this snapshot
    return job


def wait_for(condition, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} not within {seconds} s; worker log:\n{log.read_text()}")


def first_and_last_page(data: bytes, layout: SheetLayout) -> tuple[int, list[str]]:
    """The page count, and what the first and last page's labels decode to."""
    document = pdfium.PdfDocument(data)
    found = []
    for index in (0, len(document) - 1):
        page = (
            document[index]
            .render(scale=4, grayscale=True, extra_flags=pdfium_c.FPDF_PRINTING)
            .to_pil()
        )
        found += label_texts(page, layout, 4)
    return len(document), found


def test_a_worker_killed_mid_job_loses_no_job_and_serves_no_half_file(
    app, client, auth, make, db, shared, tmp_path
):
    root, workers = shared
    headers = auth("organiser")
    batch_id = mint(client, auth, make, size=LARGE)  # minting queues the default sheets
    first = start_worker(app, root, tmp_path / "first", workers)
    log = tmp_path / "first" / "worker.log"
    wait_for(lambda: job_row(db, batch_id).done > 0, 60, "a first heartbeat with progress", log)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    half = job_row(db, batch_id)
    assert (half.state, half.attempt) == ("preparing", 1) and 0 < half.done < LARGE
    url = f"/api/v1/batches/{batch_id}/sheets.pdf"
    waiting = client.get(url, headers=headers)
    assert waiting.status_code == 202 and waiting.json["state"] == "preparing"
    # What the killed worker wrote is only ever under a .partial name, never served.
    assert [p.name for p in root.iterdir()] == [f"job-{half.id}-1.partial"]
    assert client.get(f"/api/v1/batches/{batch_id}/bundle.zip", headers=headers).status_code == 202

    # A new worker's sweep finds the job without a heartbeat and takes it over.
    start_worker(
        app,
        root,
        tmp_path / "second",
        workers,
        PRINT_STALE_SECONDS=2,
        QUEUE_SWEEP_SECONDS=1,
    )
    log = tmp_path / "second" / "worker.log"
    wait_for(lambda: job_row(db, batch_id).state != "preparing", 180, "the second attempt", log)
    _, ready = poll(client, headers, url, timeout=10)
    assert ready.status_code == 200 and ready.mimetype == "application/pdf"
    job = job_row(db, batch_id)
    assert (job.state, job.attempt, job.done, job.total) == ("ready", 2, LARGE, LARGE)
    assert [p.name for p in root.iterdir()] == [f"job-{job.id}-2"]  # the half one is gone
    urls = manifest_urls(client, headers, batch_id)
    pins = db.session.scalars(select(Pin.code).where(Pin.batch_id == batch_id)).all()
    base = app.config["PUBLIC_BASE_URL"]
    assert len(urls) == LARGE and urls == sorted(codes.pin_url(base, code) for code in pins)
    layout = SheetLayout()
    pages, decoded = first_and_last_page(ready.data, layout)
    per_page = layout.fit[0] * layout.fit[1]
    assert pages == math.ceil(LARGE / per_page)
    assert len(decoded) == per_page + (LARGE - (pages - 1) * per_page)
    assert set(decoded) <= set(urls)


def test_a_worker_on_another_host_prepares_what_the_web_app_queued(
    app, client, auth, make, db, shared, tmp_path
):
    """The web app runs no worker; one on "host-b" (its own folder and HOSTNAME) does the work.

    It shares the database and the print root. On SQLite the other host shares this file
    system (the database and its queue are files); on PostgreSQL it shares only the database
    server and the print root, as two machines would.
    """
    root, workers = shared
    headers = auth("organiser")
    batch_id = mint(client, auth, make)
    url = f"/api/v1/batches/{batch_id}/sheets.pdf"
    time.sleep(1.5)
    queued = client.get(url, headers=headers)  # nobody works on it yet: it waits in the queue
    assert queued.status_code == 202
    assert queued.json == {"state": "preparing", "done": 0, "total": 40, "progress": 0.0}
    host = tmp_path / "host-b"
    start_worker(app, root, host, workers, HOSTNAME="host-b")
    seen, ready = poll(client, headers, url, timeout=90)
    assert ready.status_code == 200 and ready.mimetype == "application/pdf"
    assert all(body["state"] == "preparing" for body in seen)
    assert decoded_sheets(ready.data) == manifest_urls(client, headers, batch_id)
    job = job_row(db, batch_id)
    assert (job.state, job.attempt) == ("ready", 1)
    assert (root / job.folder / "bundle.zip").is_file()
    assert sorted(p.name for p in host.iterdir()) == ["worker.log"]  # nothing of it on host-b
