"""Print files of large batches: prepared once by the task queue's worker, then served (issue 9).

A batch of 50,000 pins takes minutes to print; no request may wait that long, and no web
worker should spend its cores on it. The first request (or minting the batch) creates a
PrintJob row and puts the work on the task queue (``backend/task_queue.py``); a worker
process (``flask speld worker``, on this host or another) prepares the files. Every web
worker and host reads progress from the row, and gets the files once it says ready.

A worker killed mid-job takes its task with it (Huey removes a task from the queue when a
worker takes it), but its heartbeat stops: the worker's sweep every QUEUE_SWEEP_SECONDS, or
the next POST, takes the job over (``attempt`` + 1, so a slow first attempt cannot finish
over the new one) and queues it again. A job whose task still waits in the queue is not
stale, however old its heartbeat: it only waits for a worker.

Files live in ``root/job-<id>-<attempt>/`` (sheets.pdf, manifest.csv, bundle.zip), written
under a ``.partial`` name and renamed when complete, so a half file is never served.
Several hosts need ``root`` on shared storage (see docs/printing.md).
"""

import hashlib
import json
import logging
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from backend.errors import PrintFailed
from backend.extensions import db
from backend.models import PrintJob
from backend.models.types import utcnow
from backend.services.pins import get_batch
from backend.services.printing import Look, edition_look, print_set
from backend.task_queue import periodic, queue, task
from qr import SheetLayout

log = logging.getLogger(__name__)
KINDS = {"sheets.pdf": "application/pdf", "bundle.zip": "application/zip"}
HEARTBEAT_SECONDS = 1.0
RETRY_FAILED_AFTER = timedelta(seconds=30)  # a failure is shown this long before a retry
TASK = "print_files"


@dataclass(frozen=True)
class PrintStatus:
    """Where a batch's print files are: none asked yet, preparing, ready or failed."""

    batch_id: int
    state: str
    done: int = 0
    total: int = 0
    folder: Path | None = None
    error: str | None = None
    idle: bool = True  # nobody works on it: asking ``prepare`` would start or take it over

    @property
    def progress(self) -> float:
        return round(self.done / self.total, 3) if self.total else 0.0

    def file(self, kind: str) -> Path:
        """The ready file (sheets.pdf or bundle.zip); PrintFailed if it is not there."""
        if self.state != "ready" or self.folder is None or not (self.folder / kind).is_file():
            raise PrintFailed(reason="not_ready")
        return self.folder / kind


class _Superseded(Exception):
    """Another worker took the job over; this attempt stops quietly."""


class LookMismatch(Exception):
    """The worker's print look differs from the one the job was asked for."""


def print_root() -> Path:
    """Where prepared print files are kept: PRINT_DIR, or the instance folder's ``print``."""
    return Path(current_app.config.get("PRINT_DIR") or Path(current_app.instance_path) / "print")


def _stale() -> timedelta:
    """No heartbeat for this long (PRINT_STALE_SECONDS): the worker is gone."""
    return timedelta(seconds=current_app.config["PRINT_STALE_SECONDS"])


def variant(layout: SheetLayout, look: Look, base_url: str) -> str:
    """What the files depend on, hashed: a new layout, look or base URL gets its own files."""
    canonical = {"layout": asdict(layout), "look": look.fingerprint, "base": base_url}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _job(batch_id: int, key: str) -> PrintJob | None:
    # populate_existing: the row changes under us (another thread, worker or host).
    statement = select(PrintJob).where(PrintJob.batch_id == batch_id, PrintJob.variant == key)
    return db.session.scalar(statement.execution_options(populate_existing=True))


def _answer(status: PrintStatus) -> PrintStatus:
    # End the read: on SQLite a transaction kept open would go on seeing the old snapshot.
    db.session.commit()
    return status


def _status(batch_id: int, job: PrintJob | None, root: Path) -> PrintStatus:
    if job is None:
        return PrintStatus(batch_id, "none")
    folder = root / job.folder if job.folder else None
    idle = _needs_taking_over(job, root, utcnow())
    return PrintStatus(batch_id, job.state, job.done, job.total, folder, job.error, idle)


def print_status(
    batch_id: int, base_url: str, layout: SheetLayout, look: Look, root: Path
) -> PrintStatus:
    """A batch's print files in this layout and look, without starting anything."""
    get_batch(batch_id)
    return _answer(_status(batch_id, _job(batch_id, variant(layout, look, base_url)), root))


def prepare(
    batch_id: int,
    base_url: str,
    layout: SheetLayout,
    look: Look,
    root: Path,
) -> PrintStatus:
    """Make sure the files are ready or on their way; queue or take over the work if nobody is.

    The task queue's worker does the work (small batches are written on the spot by
    ``backend/downloads.py`` and the CLI, never through a job). Returns the status as it
    stands after that.
    """
    batch = get_batch(batch_id)
    key = variant(layout, look, base_url)
    job = _job(batch_id, key)
    now = utcnow()
    attempt = None
    if job is None:
        job = PrintJob(batch_id=batch_id, variant=key, total=batch.size, heartbeat_at=now)
        db.session.add(job)
        try:
            db.session.commit()
            attempt = 1
        except IntegrityError:  # another worker created it a moment ago: theirs to run
            db.session.rollback()
            job = _job(batch_id, key)
    elif _needs_taking_over(job, root, now):
        attempt = _take_over(job, now)
    if attempt is not None:
        work = {
            "batch_id": batch_id,
            "base_url": base_url,
            "layout": asdict(layout),
            "look": look.fingerprint,
        }
        # Kept by job id, for the sweep that queues the job again after a worker is lost.
        queue().put(_work_key(job.id), work)
        queue().enqueue(TASK, job_id=job.id, attempt=attempt, **work)
        db.session.refresh(job)
    return _answer(_status(batch_id, job, root))


def _work_key(job_id: int) -> str:
    return f"print-job-{job_id}"


def _needs_taking_over(job: PrintJob, root: Path, now) -> bool:
    if job.state == "preparing":
        return now - job.heartbeat_at > _stale() and not _waiting(job)
    if job.state == "failed":
        return now - (job.finished_at or now) > RETRY_FAILED_AFTER
    # Ready, but not here: deleted, or a host without the shared folder.
    return not (job.folder and (root / job.folder / "bundle.zip").is_file())


def _waiting(job: PrintJob) -> bool:
    """Whether this attempt's task is still in the queue: not lost, only not yet taken."""
    return any(
        (work["job_id"], work["attempt"]) == (job.id, job.attempt) for work in queue().waiting(TASK)
    )


def _take_over(job: PrintJob, now) -> int | None:
    """Claim the job for a new attempt; None if another worker claimed it first."""
    mine = job.attempt + 1  # read first: the update below refreshes job.attempt
    claimed = db.session.execute(
        update(PrintJob)
        .where(PrintJob.id == job.id, PrintJob.attempt == mine - 1)
        .values(attempt=mine, state="preparing", done=0, heartbeat_at=now, error=None)
    ).rowcount
    db.session.commit()
    if claimed:
        log.info("print job %s: attempt %s starts", job.id, mine)
        return mine
    return None


@task(TASK)
def run(job_id, attempt, batch_id, base_url, layout: dict, look: str) -> None:
    """Prepare the files of one attempt: the queue's task, in the worker's app context."""
    if not _write(job_id, attempt, heartbeat_at=utcnow()):
        return  # taken over, or the job is gone, while the task waited in the queue
    root = print_root()
    root.mkdir(parents=True, exist_ok=True)
    name = f"job-{job_id}-{attempt}"
    partial = root / f"{name}.partial"
    try:
        edition = edition_look(current_app.config)
        if edition.fingerprint != look:
            # This worker's PRINT_BACKGROUND or PRINT_LOGO is not the web's: its files would
            # not be what the job's variant promises.
            raise LookMismatch()
        beat = _Heartbeat(job_id, attempt)
        layout = SheetLayout(**layout)
        print_set(batch_id, base_url, layout, partial, tick=beat.tick, branding=edition.branding)
        db.session.rollback()  # end the streaming read before writing
        partial.rename(root / name)
        if _finish(job_id, attempt, state="ready", folder=name, done=beat.done):
            queue().forget(_work_key(job_id))
            for old in root.glob(f"job-{job_id}-*"):
                if old.name != name:
                    shutil.rmtree(old, ignore_errors=True)
        else:
            shutil.rmtree(root / name, ignore_errors=True)
    except _Superseded:
        shutil.rmtree(partial, ignore_errors=True)
    except Exception as error:  # any failure must reach the row, or clients poll forever
        log.exception("print job %s attempt %s failed", job_id, attempt)
        shutil.rmtree(partial, ignore_errors=True)
        _finish(job_id, attempt, state="failed", error=type(error).__name__)


@periodic("take_over_lost_print_jobs")
def take_over_lost() -> int:
    """Queue again every job whose worker is gone (no heartbeat, task not in the queue)."""
    now = utcnow()
    lost = db.session.scalars(
        select(PrintJob).where(
            PrintJob.state == "preparing", PrintJob.heartbeat_at < now - _stale()
        )
    ).all()
    queued = 0
    for job in lost:
        work = queue().get(_work_key(job.id))
        if work is None or _waiting(job):
            continue  # waiting for a worker; or asked before the queue: the next POST retries
        attempt = _take_over(job, now)
        if attempt is not None:
            queue().enqueue(TASK, job_id=job.id, attempt=attempt, **work)
            queued += 1
    db.session.commit()
    return queued


class _Heartbeat:
    """Progress and liveness written at most once a second, on a connection of its own.

    Its own connection: the pins are still streaming on the session's, and a commit there
    would close that cursor on PostgreSQL.
    """

    def __init__(self, job_id: int, attempt: int) -> None:
        self.job_id, self.attempt, self.done = job_id, attempt, 0
        self._last = time.monotonic()

    def tick(self, count: int) -> None:
        self.done += count
        if time.monotonic() - self._last >= HEARTBEAT_SECONDS:
            self._last = time.monotonic()
            if not _write(self.job_id, self.attempt, done=self.done, heartbeat_at=utcnow()):
                raise _Superseded()


def _write(job_id: int, attempt: int, **values) -> bool:
    """Update our attempt's row; False if the job is no longer ours."""
    with db.engine.begin() as connection:
        return bool(
            connection.execute(
                update(PrintJob)
                .where(
                    PrintJob.id == job_id,
                    PrintJob.attempt == attempt,
                    PrintJob.state == "preparing",
                )
                .values(**values)
            ).rowcount
        )


def _finish(job_id: int, attempt: int, **values) -> bool:
    now = utcnow()
    return _write(job_id, attempt, finished_at=now, heartbeat_at=now, **values)
