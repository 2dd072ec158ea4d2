"""One reader of the signed-in token: looked up once per request, re-checked on every request."""

import pytest

from backend import client as client_module
from backend.models import ApiToken
from backend.models.types import utcnow
from backend.services import tokens
from tests.test_dashboard import sign_in


@pytest.fixture
def lookups(monkeypatch):
    """Counts the session's token lookups (the token row by its id)."""
    calls = []

    def counted(token_id, touch=False):
        calls.append(token_id)
        return tokens.live_token(token_id, touch)

    monkeypatch.setattr(client_module, "live_token", counted)
    return calls


# Each of these pages reads the sign-in more than once (role, audit actor, test marking).
PAGES = ["/console/", "/dashboard/", "/staff", "/scan"]


@pytest.mark.parametrize("path", PAGES)
def test_a_signed_in_page_looks_its_token_up_once(client, make, lookups, path):
    assert sign_in(client, make.token("organiser")).status_code == 303
    lookups.clear()
    answer = client.get(path)
    assert answer.status_code == 200
    assert len(lookups) == 1


def test_a_scan_by_a_signed_in_browser_looks_the_token_up_once(client, make, lookups):
    pin = make.pin_codes()[0]
    assert sign_in(client, make.token("organiser")).status_code == 303
    lookups.clear()
    assert client.get(f"/p/{pin}").status_code in (200, 302, 303)
    assert len(lookups) == 1


@pytest.mark.parametrize("path", PAGES)
def test_a_token_revoked_between_two_requests_ends_the_session_at_the_second(
    client, make, db, path
):
    # The test's app context outlives each request, as a CLI command's does: the
    # answer read for one request must not serve the next.
    token = make.token("organiser")
    assert sign_in(client, token).status_code == 303
    assert client.get(path).status_code == 200
    db.session.get(ApiToken, tokens.authenticate(token).id).revoked_at = utcnow()
    db.session.commit()
    after = client.get(path)
    assert after.status_code != 200 or "Signed in as" not in after.get_data(as_text=True)
    if path != "/staff":
        # The console and dashboard send a signed-out browser to sign in; /scan shows its form.
        assert after.status_code in (200, 302) and b'name="token"' in (
            client.get(path, follow_redirects=True).data
        )
