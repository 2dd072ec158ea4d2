"""Flask's signed-cookie sessions, with the signing serializer built once per app.

Flask builds a new serializer on every request, even one without a session
cookie; on the scan hot path that was a measurable share of the request.
The keys cannot change while the app runs, so one serializer serves all.
"""

from flask.sessions import SecureCookieSessionInterface


class CachedSerializerSessionInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app):
        serializer = app.extensions.get("speld_session_serializer")
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            app.extensions["speld_session_serializer"] = serializer
        return serializer
