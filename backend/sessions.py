"""Flask's signed-cookie sessions, with the signing serializer built once per app.

Flask builds a new serializer on every request, even one without a session
cookie; on the scan hot path that was a measurable share of the request.
The keys cannot change while the app runs, so one serializer serves all.

A permanent session (a stand tablet's, ``signin.keep_signed_in``) keeps its cookie
for ``PERMANENT_SESSION_LIFETIME``, renewed on each request, but never past the
moment in ``UNTIL_KEY``: its token's expiry.
"""

from datetime import UTC, datetime

from flask.sessions import SecureCookieSessionInterface

UNTIL_KEY = "staff_until"  # the signed-in token's expiry, in seconds since the epoch


class CachedSerializerSessionInterface(SecureCookieSessionInterface):
    def get_expiration_time(self, app, session):
        expires = super().get_expiration_time(app, session)
        until = session.get(UNTIL_KEY)
        if expires is not None and isinstance(until, int):
            return min(expires, datetime.fromtimestamp(until, UTC))
        return expires

    def get_signing_serializer(self, app):
        serializer = app.extensions.get("speld_session_serializer")
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            app.extensions["speld_session_serializer"] = serializer
        return serializer
