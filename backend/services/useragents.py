"""A request's user agent reduced to three facts: bot or not, device class, OS family.

The whole user agent is never stored (SPEC, Privacy). Parsing uses ua-parser,
the Python binding of uap-core's regexes: maintained, with device family
"Spider" for crawlers. On top of it an explicit list of link-preview fetchers
and HTTP libraries, which must count as bots even where uap-core lags behind:
a link shared in a group chat is fetched by the app, not opened by a student.
Results are cached per user-agent string; phones at a fair repeat a few
hundred distinct strings.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from ua_parser import parse

MAX_LENGTH = 512  # enough for every real browser; absurd input is cut before parsing

LINK_PREVIEWS_AND_CLIENTS = re.compile(
    r"whatsapp|telegrambot|slackbot|slack-imgproxy|discordbot|facebookexternalhit|facebot"
    r"|twitterbot|applebot|linkedinbot|skypeuripreview|google-pagerenderer|googlebot|bingbot"
    r"|embedly|pinterest|redditbot|mastodon|signal|viber|snapchat|headlesschrome|phantomjs"
    r"|^curl/|^wget/|python-requests|python-httpx|python-urllib|aiohttp|go-http-client|^java/"
    r"|okhttp|libwww-perl|node-fetch|axios|^$",
    re.IGNORECASE,
)
TABLETS = re.compile(r"ipad|tablet|kindle|silk/|playbook|sm-t\d|tab\b", re.IGNORECASE)
OS_NAMES = {"Mac OS X": "macOS", "Chrome OS": "ChromeOS"}
DESKTOP_OS = {"Windows", "macOS", "Linux", "Ubuntu", "Fedora", "ChromeOS", "Debian", "FreeBSD"}


@dataclass(frozen=True)
class ClientFacts:
    is_bot: bool
    device_class: str  # mobile, tablet, desktop, bot or other
    os_family: str | None


BOT = ClientFacts(True, "bot", None)


def classify(user_agent: str | None, method: str = "GET") -> ClientFacts:
    """Bot or human, device class and OS family of a request; HEAD and no user agent are bots."""
    if method == "HEAD" or not user_agent:
        return BOT
    return _classify(user_agent[:MAX_LENGTH])


@lru_cache(maxsize=4096)
def _classify(user_agent: str) -> ClientFacts:
    if LINK_PREVIEWS_AND_CLIENTS.search(user_agent):
        return BOT
    result = parse(user_agent)
    device = result.device.family if result.device else None
    if device == "Spider":
        return BOT
    os_family = result.os.family if result.os else None
    os_family = OS_NAMES.get(os_family, os_family)
    if os_family in (None, "Other") and "Mozilla/" not in user_agent:
        return BOT  # not a browser, and not one uap-core knows: a script or a fetcher
    return ClientFacts(False, _device_class(user_agent, os_family), _short(os_family))


def _device_class(user_agent: str, os_family: str | None) -> str:
    if TABLETS.search(user_agent) or (os_family == "Android" and "Mobile" not in user_agent):
        return "tablet"
    if os_family in ("iOS", "Android") or "Mobile" in user_agent:
        return "mobile"
    if os_family in DESKTOP_OS:
        # iPadOS 13+ Safari sends a Mac user agent by default: it lands here, as desktop.
        return "desktop"
    return "other"


def _short(os_family: str | None) -> str | None:
    if os_family in (None, "Other"):
        return None
    return os_family[:32]
