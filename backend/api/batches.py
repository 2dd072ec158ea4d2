"""Print runs: mint batches of pins, list them, void pins, and print sheets, manifests, posters."""

import io
from dataclasses import replace

from flask import current_app, jsonify, send_file
from flask.views import MethodView

from backend import downloads
from backend.api.base import Blueprint, query_params
from backend.api.pin_schemas import BatchIn, BatchOut, PinOut, PrintStatusOut, VoidIn
from backend.api.schemas import PageQuery, page_of
from backend.auth import BEARER_DOC, ORGANISER, VIEWER, require_role
from backend.services import pins, print_jobs, printing
from backend.services.events import get_event
from backend.services.stands import get_stand
from qr import RenderOptions, SheetLayout, codes

blp = Blueprint("batches", __name__, description="Pin batches, pins and print outputs")
RETRY_AFTER = 5  # seconds between polls of a file being prepared


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def _pin_out(pin) -> dict:
    """A pin as the organiser sees it: with the URL its QR holds and the printed form."""
    return {
        "code": pin.code,
        "display": codes.display(pin.code),
        "url": codes.pin_url(_base_url(), pin.code),
        "status": pin.status,
        "voided_at": pin.voided_at,
        "void_reason": pin.void_reason,
    }


def _layout() -> SheetLayout:
    return SheetLayout.from_params(query_params())


def _prepared_or_direct(batch_id: int, kind: str):
    """A small batch printed into the response; a large one's prepared file, or a 202.

    Large print files would hold a worker past any timeout (issue 9): they are prepared
    once in the background, and this answers 202 with progress until they are ready.
    """
    answer = downloads.print_file(batch_id, kind, _layout())
    if not isinstance(answer, print_jobs.PrintStatus):
        return answer
    response = jsonify(PrintStatusOut().dump(answer))
    response.status_code = 202
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


@blp.route("/events/<slug>/batches")
class EventBatches(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(BatchOut))
    @blp.doc(**BEARER_DOC)
    def get(self, args, slug):
        """An edition's batches with issued and void counts."""
        page = pins.list_batches(slug, **args)
        return replace(page, items=printing.summarize(page.items, _base_url()))

    @require_role(ORGANISER)
    @blp.arguments(BatchIn)
    @blp.response(201, BatchOut)
    @blp.doc(**BEARER_DOC)
    def post(self, data, slug):
        """Mint a batch of 1 to 50,000 pins: all of them or none.

        A large batch's default sheets and bundle start being prepared at once.
        """
        batch = pins.mint_batch(slug, **data)
        if downloads.in_background(batch.id):
            downloads.prepare(batch.id)
        return printing.summarize([batch], _base_url())[0]


@blp.route("/batches/<id:batch_id>")
class BatchItem(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.response(200, BatchOut)
    @blp.doc(**BEARER_DOC)
    def get(self, batch_id):
        """One batch: issued and void counts, QR version and module size as printed.

        Query: the layout of sheets.pdf (preset, or diameter_mm with bleed_mm; default the
        25 mm machine): preset, face, paper and module size are those of that layout.
        """
        return printing.summarize([pins.get_batch(batch_id)], _base_url(), _layout())[0]


@blp.route("/batches/<id:batch_id>/pins")
class BatchPins(MethodView):
    @require_role(ORGANISER)
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(PinOut))
    @blp.doc(**BEARER_DOC)
    def get(self, args, batch_id):
        """The pins of a batch with their URLs and status (organisers only: per-pin rows)."""
        page = pins.list_pins(batch_id, **args)
        return replace(page, items=[_pin_out(pin) for pin in page.items])


@blp.route("/batches/<id:batch_id>/sheets.pdf")
class BatchSheets(MethodView):
    @require_role(ORGANISER)
    @blp.response(200, content_type="application/pdf", description="A4 label sheets, vector")
    @blp.alt_response(202, schema=PrintStatusOut, description="Being prepared; poll again")
    @blp.doc(**BEARER_DOC)
    def get(self, batch_id):
        """A4 label sheets with cut path, crop marks and slug line.

        Query: preset (25, 32, 38, 44, 56, 58) or diameter_mm with bleed_mm; cut (contour,
        hairline); columns, rows, margin_mm, gap_mm, ecc. Batches above PRINT_SYNC_MAX_PINS
        are prepared in the background: 202 with progress and Retry-After until ready.
        """
        return _prepared_or_direct(batch_id, "sheets.pdf")


@blp.route("/batches/<id:batch_id>/manifest.csv")
class BatchManifest(MethodView):
    @require_role(ORGANISER)
    @blp.response(200, content_type="text/csv", description="code, url, batch, channel, qr_version")
    @blp.doc(**BEARER_DOC)
    def get(self, batch_id):
        """The print shop's manifest."""
        return downloads.send_written(
            lambda out: printing.print_manifest(batch_id, _base_url(), out),
            "text/csv",
            f"batch-{batch_id}-manifest.csv",
            binary=False,
        )


@blp.route("/batches/<id:batch_id>/bundle.zip")
class BatchBundle(MethodView):
    @require_role(ORGANISER)
    @blp.response(200, content_type="application/zip", description="PDF, manifest, SVG+PNG per pin")
    @blp.alt_response(202, schema=PrintStatusOut, description="Being prepared; poll again")
    @blp.doc(**BEARER_DOC)
    def get(self, batch_id):
        """Everything for the print shop in one ZIP; same layout options as sheets.pdf."""
        return _prepared_or_direct(batch_id, "bundle.zip")


def _pin_qr(code: str, fmt: str):
    options = RenderOptions.from_params({**query_params(), "format": fmt})
    body, mimetype = printing.pin_qr(code, _base_url(), options)
    return send_file(io.BytesIO(body), mimetype=mimetype, download_name=f"{code.upper()}.{fmt}")


@blp.route("/pins/<code>/qr.svg")
class PinQrSvg(MethodView):
    @require_role(ORGANISER)
    @blp.response(200, content_type="image/svg+xml", description="The pin's QR code")
    @blp.doc(**BEARER_DOC)
    def get(self, code):
        """One pin's QR as SVG; query: size_px, ecc, quiet_zone, dark, light."""
        return _pin_qr(code, "svg")


@blp.route("/pins/<code>/qr.png")
class PinQrPng(MethodView):
    @require_role(ORGANISER)
    @blp.response(200, content_type="image/png", description="The pin's QR code")
    @blp.doc(**BEARER_DOC)
    def get(self, code):
        """One pin's QR as PNG; query: size_px, ecc, quiet_zone, dark, light."""
        return _pin_qr(code, "png")


@blp.route("/pins/<code>/void")
class PinVoid(MethodView):
    @require_role(ORGANISER)
    @blp.arguments(VoidIn)
    @blp.response(200, PinOut)
    @blp.doc(**BEARER_DOC)
    def post(self, data, code):
        """Void a lost or misprinted pin: its scans are kept and never counted."""
        return _pin_out(pins.void_pin(code, data["reason"]))


@blp.route("/stands/<id:stand_id>/poster.pdf")
class StandPoster(MethodView):
    @require_role(ORGANISER)
    @blp.response(200, content_type="application/pdf", description="A4 stand poster")
    @blp.doc(**BEARER_DOC)
    def get(self, stand_id):
        """The stand's poster: company, stand label, QR to stamp a visit, NL and EN instruction."""
        stand, branding = get_stand(stand_id), downloads.look().branding
        return downloads.send_written(
            lambda out: printing.print_posters([stand], _base_url(), out, branding),
            "application/pdf",
            f"stand-{stand.label}-poster.pdf",
        )


@blp.route("/events/<slug>/posters.pdf")
class EventPosters(MethodView):
    @require_role(ORGANISER)
    @blp.response(200, content_type="application/pdf", description="One A4 poster per stand")
    @blp.doc(**BEARER_DOC)
    def get(self, slug):
        """Posters for every stand of the edition, by label."""
        stands, branding = (
            printing.event_stands(get_event(slug), retired=False),
            downloads.look().branding,
        )
        return downloads.send_written(
            lambda out: printing.print_posters(stands, _base_url(), out, branding),
            "application/pdf",
            f"{slug}-posters.pdf",
        )
