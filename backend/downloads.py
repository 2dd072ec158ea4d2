"""Print files over HTTP, for the API and the console alike: written on the spot, or prepared.

A small batch's sheets or bundle are written into the response. A large one's
(above ``PRINT_SYNC_MAX_PINS``) would hold a worker for minutes, so they are
prepared once in the background (``backend/services/print_jobs.py``); until they
are ready the caller gets the job's status and says so in its own way (the API
a 202 with JSON, the console a page that refreshes itself).
"""

import io
import tempfile
from pathlib import Path

from flask import Response, current_app, send_file

from backend.errors import PrintFailed
from backend.services import pins, print_jobs, printing
from qr import SheetLayout

SPOOL = 16 * 1024 * 1024  # print files larger than this go to a temporary file, not memory


def send_written(write, mimetype: str, filename: str, binary: bool = True) -> Response:
    """Run a writer into a spooled temporary file and send it; memory stays bounded."""
    # Not a context manager: send_file closes the file once the response is sent.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115
    if binary:
        write(spool)
    else:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        write(text)
        text.flush()
        text.detach()
    spool.seek(0)
    return send_file(spool, mimetype=mimetype, as_attachment=True, download_name=filename)


def base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def look() -> printing.Look:
    return printing.edition_look(current_app.config)


def print_root() -> Path:
    return print_jobs.print_root()


def in_background(batch_id: int) -> bool:
    """Whether this batch's sheets and bundle are prepared in the background."""
    return pins.get_batch(batch_id).size > current_app.config["PRINT_SYNC_MAX_PINS"]


def prepare(batch_id: int, layout: SheetLayout | None = None) -> print_jobs.PrintStatus:
    """Start (or take over) preparing a large batch's files; their status as it stands."""
    return print_jobs.prepare(batch_id, base_url(), layout or SheetLayout(), look(), print_root())


def print_status(batch_id: int, layout: SheetLayout | None = None) -> print_jobs.PrintStatus:
    """A large batch's files as they stand, starting nothing (for a page a GET shows)."""
    layout = layout or SheetLayout()
    return print_jobs.print_status(batch_id, base_url(), layout, look(), print_root())


WRITERS = {"sheets.pdf": printing.print_sheets, "bundle.zip": printing.print_bundle}


def print_file(batch_id: int, kind: str, layout: SheetLayout) -> Response | print_jobs.PrintStatus:
    """A batch's sheets.pdf or bundle.zip as a response, or the status while it is prepared.

    Raises PrintFailed if preparing it failed.
    """
    filename = f"batch-{batch_id}-{kind}"
    mimetype = print_jobs.KINDS[kind]
    if not in_background(batch_id):
        branding, url = look().branding, base_url()
        return send_written(
            lambda out: WRITERS[kind](batch_id, url, layout, out, branding), mimetype, filename
        )
    status = prepare(batch_id, layout)
    if status.state == "ready":
        return send_file(
            status.file(kind), mimetype=mimetype, as_attachment=True, download_name=filename
        )
    refuse_failed(status)
    return status


def refuse_failed(status: print_jobs.PrintStatus) -> None:
    """PrintFailed if preparing the files failed; asking again a little later starts over."""
    if status.state == "failed":
        raise PrintFailed(reason="failed_with", values={"error": status.error})
