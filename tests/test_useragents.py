"""User agents reduced to bot flag, device class and OS family: the list we classify."""

import pytest

from backend.services.useragents import classify

CASES = [
    # humans
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        False,
        "mobile",
        "iOS",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
        False,
        "mobile",
        "iOS",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
        False,
        "mobile",
        "Android",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        False,
        "tablet",
        "Android",
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
        False,
        "tablet",
        "iOS",
    ),
    # iPadOS 13+ Safari asks for desktop sites and sends a Mac user agent: counted as desktop.
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        False,
        "desktop",
        "macOS",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        False,
        "desktop",
        "Windows",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
        False,
        "desktop",
        "Windows",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        False,
        "desktop",
        "Windows",
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        False,
        "desktop",
        "Linux",
    ),
    (
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        False,
        "desktop",
        "ChromeOS",
    ),
    # link previews and crawlers
    ("WhatsApp/2.23.20.0 A", True, "bot", None),
    ("TelegramBot (like TwitterBot)", True, "bot", None),
    ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", True, "bot", None),
    ("Slack-ImgProxy (+https://api.slack.com/robots)", True, "bot", None),
    ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", True, "bot", None),
    (
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        True,
        "bot",
        None,
    ),
    ("Twitterbot/1.0", True, "bot", None),
    # iMessage link previews announce themselves as both Facebook's and Twitter's fetchers.
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
        True,
        "bot",
        None,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
        True,
        "bot",
        None,
    ),
    (
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        True,
        "bot",
        None,
    ),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True, "bot", None),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", True, "bot", None),
    ("curl/8.5.0", True, "bot", None),
    ("python-requests/2.32.3", True, "bot", None),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
        True,
        "bot",
        None,
    ),
    ("", True, "bot", None),
    (None, True, "bot", None),
]


@pytest.mark.parametrize("user_agent,is_bot,device_class,os_family", CASES)
def test_user_agent_is_classified(user_agent, is_bot, device_class, os_family):
    facts = classify(user_agent)
    assert (facts.is_bot, facts.device_class, facts.os_family) == (is_bot, device_class, os_family)


def test_head_request_is_a_bot_even_from_an_iphone():
    assert classify(CASES[0][0], "HEAD").is_bot


@pytest.mark.parametrize("user_agent", ["x" * 100_000, "Mozilla/5.0 (Ünïcødé; 手机) ☃", "\x00\n\t"])
def test_absurd_user_agents_do_not_raise(user_agent):
    facts = classify(user_agent)
    assert facts.device_class in {"mobile", "tablet", "desktop", "bot", "other"}
    assert facts.os_family is None or len(facts.os_family) <= 32
