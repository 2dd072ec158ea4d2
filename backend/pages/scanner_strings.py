"""The stand scanner's msgids; the page hands them, translated, to its script as JSON.

A count's message (``N_plural``) goes to the script as its two forms, [singular, plural]: the
script picks one by the plural rule of Dutch and English (1 is singular, every other count
plural; ``scanner.js`` ``t``), with placeholders left for the script to fill.
"""

from backend.services.words import N_, N_plural

TEXT = {
    "title": N_("Stand scanner"),
    "sign_in_title": N_("Sign this tablet in"),
    "sign_in_intro": N_(
        "Scan your stand's sign-in card with this tablet's camera. No card at "
        "hand? Paste the token below."
    ),
    "token_label": N_("Sign-in card token"),
    "sign_in": N_("Sign in"),
    "signing_in": N_("Signing in…"),
    "bad_token": N_("This sign-in card is not valid (any more). Ask the organisers for a new one."),
    "pick_stand": N_("Pick the stand you scan for"),
    "no_stands": N_("There are no stands yet."),
    "sign_out": N_("Sign out"),
    "stand_line": N_("Stand %(label)s · %(company)s"),
    "point_camera": N_("Point the camera at a pin's QR code."),
    "ok": N_("Registered"),
    "repeat": N_("Already registered"),
    "other_event": N_("Not a pin of this edition"),
    "void": N_("This pin was withdrawn"),
    "unknown": N_("Unknown pin"),
    "rehearsal": N_("Test, not counted"),
    "rehearsal_repeat": N_("Already registered (test, not counted)"),
    "rehearsal_day": N_(
        "Rehearsal: today is not one of the fair's days. Scans are registered as "
        "tests and not counted."
    ),
    "refused": N_("Refused"),
    "poster": N_("This is a stand poster, not a pin"),
    "not_pin": N_("Not a Speld pin"),
    "typo": N_("That code is wrong: check the characters"),
    "queued": N_("Saved; sent when the network is back"),
    "today": N_("Today"),
    "waiting": N_("Waiting for network"),
    "last_scans": N_("Last ten scans"),
    "none_yet": N_("No scans on this tablet yet."),
    "type_code": N_("Or type the code under the QR code"),
    "register": N_("Register"),
    "camera_denied": N_(
        "The camera may not be used. Allow the camera in the browser's settings, "
        "or type the codes below."
    ),
    "no_camera": N_("No camera found. Type the codes below."),
    "old_browser": N_("This browser cannot use the camera or read QR codes. Type the codes below."),
    "signed_out": N_("Signed out"),
    "revoked": N_(
        "This tablet is signed out: its sign-in card was revoked. Nothing is registered any more."
    ),
    "unsent": N_plural(
        "%(n)s scan on this tablet has not been sent. It is kept and sent "
        "once you sign in again for this stand.",
        "%(n)s scans on this tablet have not been sent. They are kept and sent "
        "once you sign in again for this stand.",
    ),
    "offline": N_("Offline: scans are kept on this tablet."),
}
