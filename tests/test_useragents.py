"""User agents reduced to bot flag, device class and OS family: the strings we classify."""

import pytest

from backend.services import useragents
from backend.services.useragents import DEVICE_CLASSES, classify

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)

# id, user agent, (is_bot, device_class, os_family)
HUMANS = [
    ("iphone safari", IPHONE_SAFARI, (False, "mobile", "iOS")),
    (
        "iphone chrome",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
        (False, "mobile", "iOS"),
    ),
    (
        "samsung phone chrome",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
        (False, "mobile", "Android"),
    ),
    (
        "samsung phone samsung internet",
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
        (False, "mobile", "Android"),
    ),
    (
        "android phone firefox",
        "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
        (False, "mobile", "Android"),
    ),
    (
        # Android tablets leave out "Mobile".
        "samsung galaxy tab chrome",
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        (False, "tablet", "Android"),
    ),
    (
        "android tablet firefox",
        "Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0",
        (False, "tablet", "Android"),
    ),
    (
        "ipad old-style",
        "Mozilla/5.0 (iPad; CPU OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1",
        (False, "tablet", "iOS"),
    ),
    (
        # iPadOS 13+ Safari asks for desktop sites and sends exactly this Mac user agent: an
        # iPad cannot be told from a Mac here, so it is counted as desktop.
        "mac safari, also ipados 13+",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        (False, "desktop", "Mac OS X"),
    ),
    (
        "windows chrome",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        (False, "desktop", "Windows"),
    ),
    (
        "windows edge",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
        (False, "desktop", "Windows"),
    ),
    (
        "windows firefox",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        (False, "desktop", "Windows"),
    ),
    (
        "linux firefox",
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        (False, "desktop", "Linux"),
    ),
    (
        "ubuntu firefox reported as linux",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        (False, "desktop", "Linux"),
    ),
    (
        "chromebook",
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        (False, "desktop", "ChromeOS"),
    ),
    # In-app browsers are students who tapped a link in an app, not the app's preview fetcher.
    (
        "instagram in-app browser",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 326.0.3.20.90 (iPhone15,3; iOS 17_4; nl_NL; nl; scale=3.00; 1290x2796; 588348422)",
        (False, "mobile", "iOS"),
    ),
    (
        "facebook in-app browser",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/458.0.0.38.108;FBBV/575520358;FBDV/iPhone15,3;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBID/phone;FBLC/nl_NL;FBOP/5]",
        (False, "mobile", "iOS"),
    ),
    (
        "telegram in-app browser",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 Telegram-Android/10.11.1 (Samsung SM-S918B; Android 14; SDK 34; HIGH)",
        (False, "mobile", "Android"),
    ),
    (
        "snapchat in-app browser",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/13.3.0.46 (like Safari/8617.1.17.10.9, panda)",
        (False, "mobile", "iOS"),
    ),
    (
        "linkedin in-app browser",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.1450",
        (False, "mobile", "iOS"),
    ),
    (
        "smart tv",
        "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36",
        (False, "other", "Tizen"),
    ),
]

# Link-preview fetchers, crawlers and HTTP clients: id, user agent. All are (True, "bot", None).
BOTS = [
    ("whatsapp android", "WhatsApp/2.23.20.0 A"),
    ("whatsapp ios", "WhatsApp/2.24.8.78 i"),
    ("telegram", "TelegramBot (like TwitterBot)"),
    ("slackbot", "Slackbot 1.0 (+https://api.slack.com/robots)"),
    ("slack link expanding", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"),
    ("slack image proxy", "Slack-ImgProxy (+https://api.slack.com/robots)"),
    ("discord", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"),
    ("facebook", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"),
    ("facebot", "Facebot"),
    ("twitter", "Twitterbot/1.0"),
    (
        # iMessage link previews: a Mac Safari UA with Facebook's and Twitter's fetchers added.
        "imessage preview",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
    ),
    (
        "applebot",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    ),
    (
        "linkedin",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    ),
    (
        "skype and teams preview",
        "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
    ),
    (
        "google page renderer",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.2924.87 Safari/537.36 Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/)",
    ),
    ("googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
    (
        "googlebot smartphone",
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    ),
    ("bingbot", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"),
    ("curl", "curl/8.5.0"),
    ("wget", "Wget/1.21.4"),
    ("python-requests", "python-requests/2.32.3"),
    ("python-httpx", "python-httpx/0.27.0"),
    ("go", "Go-http-client/2.0"),
    ("java", "Java/17.0.10"),
    ("perl", "libwww-perl/6.72"),
    ("okhttp", "okhttp/4.12.0"),
    (
        "headless chrome",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
    ),
    ("unknown non-browser client", "SpeldScanner/0.1"),
    ("junk with a 64-letter word", "Mozilla/5.0 (Windows NT 10.0; " + "a" * 64 + ")"),
    ("empty", ""),
    ("only spaces", "   "),
    ("missing", None),
]


# Bots by this module's own rules, not by a fetcher's name.
SAFETY_NETS = {"unknown non-browser client", "junk with a 64-letter word"}


@pytest.mark.parametrize(
    "user_agent,expected", [pytest.param(ua, facts, id=name) for name, ua, facts in HUMANS]
)
def test_browsers_are_humans_with_their_device_class_and_os(user_agent, expected):
    facts = classify(user_agent)
    assert (facts.is_bot, facts.device_class, facts.os_family) == expected


@pytest.mark.parametrize("user_agent", [pytest.param(ua, id=name) for name, ua in BOTS])
def test_link_previews_crawlers_http_clients_and_missing_user_agents_are_bots(user_agent):
    facts = classify(user_agent)
    assert (facts.is_bot, facts.device_class, facts.os_family) == (True, "bot", None)


@pytest.mark.parametrize(
    "user_agent",
    [
        pytest.param(ua, id=name)
        for name, ua in BOTS
        if ua and ua.strip() and name not in SAFETY_NETS
    ],
)
def test_named_fetchers_stay_bots_even_if_the_library_misses_them(monkeypatch, user_agent):
    monkeypatch.setattr(useragents._CRAWLERS, "is_crawler", lambda user_agent: False)
    useragents._classify.cache_clear()
    try:
        assert classify(user_agent).is_bot
    finally:
        useragents._classify.cache_clear()


@pytest.mark.parametrize("method", ["HEAD", "head"])
def test_head_request_is_a_bot_even_from_an_iphone(method):
    assert classify(IPHONE_SAFARI, method) == classify(None)
    assert not classify(IPHONE_SAFARI, "GET").is_bot


def test_only_the_start_of_a_huge_user_agent_is_looked_at():
    assert classify(IPHONE_SAFARI + " x" * 50_000) == classify(IPHONE_SAFARI)


@pytest.mark.parametrize(
    "user_agent",
    [
        pytest.param("x" * 100_000, id="100 KB of one letter"),
        pytest.param("Mozilla/5.0 (" + "(;/ )Android iPad " * 6_000, id="100 KB of ua tokens"),
        pytest.param(
            "Mozilla/5.0 (Linux; Android 14; Ünïcødé 手机) AppleWebKit/537.36 Mobile Safari ☃",
            id="non-ascii",
        ),
        pytest.param("\x00\r\n\t\udcff", id="control characters and a lone surrogate"),
    ],
)
def test_absurd_user_agents_do_not_raise(user_agent):
    facts = classify(user_agent)
    assert facts.device_class in DEVICE_CLASSES
    assert facts.os_family is None or len(facts.os_family) <= 32


def test_a_repeated_user_agent_is_answered_from_the_cache():
    classify(IPHONE_SAFARI)
    hits = useragents._classify.cache_info().hits
    classify(IPHONE_SAFARI)
    assert useragents._classify.cache_info().hits == hits + 1
