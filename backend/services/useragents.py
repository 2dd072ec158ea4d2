"""A request's user agent reduced to three facts: bot or not, device class, OS family.

The whole user agent is never stored (SPEC, Privacy); only `ClientFacts` leave this module.

Libraries, chosen by what they detect (checked against the strings in
tests/test_useragents.py, and that the in-app browsers of Instagram, Facebook, Snapchat,
Telegram, LinkedIn and Pinterest, which are students, are not bots):

- crawlerdetect 0.4.2 (Python port of JayBizzle's CrawlerDetect list, 1,462 patterns,
  released 2026) decides "bot". It catches every link-preview fetcher and HTTP library
  below, including those uap-core lets through as humans (curl, Wget, python-requests,
  httpx, Go-http-client, okhttp, HeadlessChrome, Applebot, iMessage previews, Skype,
  Google-PageRenderer, Bytespider, Chrome-Lighthouse), and flags none of the in-app browsers.
- ua-parser 1.0 (uap-core's regexes, data shipped as ua-parser-builtins) gives the OS
  family. Only its OS domain is parsed; the device domain costs several times more and adds
  nothing here: the device class follows from the OS and the "iPad"/"Mobile"/"Tablet" tokens.
- user-agents: not used, last release 2020, and only a wrapper around ua-parser.

On top of the library, an explicit list of link-preview fetchers and HTTP clients stays
bot even if a later crawlerdetect list drops or reshapes a pattern: a link shared in a
group chat is fetched by the app, not opened by a student.

Cost: crawlerdetect is one regex of 1,462 alternatives on the stdlib engine, ~15 us per
character it has to scan. A new browser UA takes ~1-1.5 ms (its browser tokens are
stripped first), a crafted 512-character one up to ~20 ms; cheap checks run first so junk
rarely gets that far. Results are cached per (truncated) string, a hit takes well under
1 us, and a fair's phones send a few hundred distinct strings.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from crawlerdetect import CrawlerDetect
from ua_parser import BasicResolver, Domain, load_builtins

MAX_LENGTH = 512  # every real browser fits; absurd input is cut before any regex sees it
OS_FAMILY_LENGTH = 32  # column width of os_family
DEVICE_CLASSES = ("mobile", "tablet", "desktop", "bot", "other")

# Link previews and crawlers named by SPEC; matched anywhere, case-insensitive. Every name
# is a fetcher's own token: none occurs in a browser's or an in-app browser's user agent.
# iMessage previews send a Mac Safari UA plus "facebookexternalhit/1.1 Facebot Twitterbot/1.0".
_FETCHERS = re.compile(
    r"telegrambot|slackbot|slack-imgproxy|discordbot|facebookexternalhit|facebot|twitterbot"
    r"|applebot|linkedinbot|skypeuripreview|google-pagerenderer|googlebot|bingbot"
    r"|headlesschrome",
    re.IGNORECASE,
)
# Fetchers and generic HTTP clients that name themselves first ("curl/8.5.0"). Anchored, so
# that e.g. Telegram's in-app browser ("... Telegram-Android/10.11") or a "WhatsApp" token
# elsewhere in a browser's UA is not caught.
_CLIENTS = re.compile(
    r"(?:whatsapp|curl|wget|python-requests|python-httpx|python-urllib|go-http-client|java"
    r"|libwww-perl|okhttp|aiohttp|axios|node-fetch)/",
    re.IGNORECASE,
)
# No browser sends a 64-character word. Such strings are junk, and they are what makes
# crawlerdetect's catch-all pattern "[a-z0-9\-_]*(bot|crawl|...)" slow (quadratic in the
# word's length: ~70 ms for 512 letters), so they are bots before it runs.
_LONG_WORD = re.compile(r"[A-Za-z0-9_-]{64}")
_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook", re.IGNORECASE)

# uap-core names Linux distributions separately; one "Linux" says enough and keeps the
# stored values few (less to fingerprint a visitor with).
_LINUX_DISTRIBUTIONS = (
    "Ubuntu",
    "Kubuntu",
    "Fedora",
    "Debian",
    "Red Hat",
    "SUSE",
    "openSUSE",
    "Mint",
    "Linux Mint",
    "Gentoo",
    "Arch Linux",
    "CentOS",
    "Slackware",
    "Mandriva",
)
_OS_NAMES = {"Chrome OS": "ChromeOS", **dict.fromkeys(_LINUX_DISTRIBUTIONS, "Linux")}
_MOBILE_OS = {"iOS", "Android"}
_DESKTOP_OS = {"Windows", "Mac OS X", "Linux", "ChromeOS", "FreeBSD", "OpenBSD", "NetBSD"}

# Built at import, so that the regex compilation (~0.3 s together) is paid at start-up and
# not by the first student to scan a pin.
_CRAWLERS = CrawlerDetect()
_CRAWLERS.is_crawler("warm-up")
_OS_PARSER = BasicResolver(load_builtins())


@dataclass(frozen=True)
class ClientFacts:
    is_bot: bool
    device_class: str  # one of DEVICE_CLASSES
    os_family: str | None  # e.g. "iOS", "Android", "Windows", "Mac OS X"; None if unknown


BOT = ClientFacts(is_bot=True, device_class="bot", os_family=None)


def classify(user_agent: str | None, method: str = "GET") -> ClientFacts:
    """Bot or human, device class and OS family of a request.

    HEAD requests (link checkers) and requests without a user agent are bots. Never raises,
    whatever the string; at most MAX_LENGTH characters of it are looked at.
    """
    if method.upper() == "HEAD" or not user_agent:
        return BOT
    return _classify(user_agent[:MAX_LENGTH].strip())


@lru_cache(maxsize=4096)
def _classify(user_agent: str) -> ClientFacts:
    if (
        not user_agent
        or _FETCHERS.search(user_agent)
        or _CLIENTS.match(user_agent)
        or _LONG_WORD.search(user_agent)
    ):
        return BOT
    parsed = _OS_PARSER(user_agent, Domain.OS).os
    os_family = parsed.family if parsed and parsed.family != "Other" else None
    if os_family is None and not user_agent.startswith("Mozilla/"):
        # Every browser's UA starts with "Mozilla/" or names an OS uap-core knows: this is a
        # script or an app's fetcher. Decided before crawlerdetect, the costly step.
        return BOT
    if _CRAWLERS.is_crawler(user_agent):
        return BOT
    os_family = _OS_NAMES.get(os_family, os_family)
    return ClientFacts(
        is_bot=False,
        device_class=_device_class(user_agent, os_family),
        os_family=os_family[:OS_FAMILY_LENGTH] if os_family else None,
    )


def _device_class(user_agent: str, os_family: str | None) -> str:
    if _TABLET.search(user_agent):
        return "tablet"
    if os_family == "Android":
        # Google's rule: Android browsers on phones say "Mobile", on tablets they do not.
        return "mobile" if "Mobile" in user_agent else "tablet"
    if os_family in _MOBILE_OS or "Mobile" in user_agent:
        return "mobile"
    if os_family in _DESKTOP_OS:
        # iPadOS 13+ Safari asks for desktop sites by default and sends a Mac user agent,
        # indistinguishable from a Mac: such iPads are counted as desktop.
        return "desktop"
    return "other"
