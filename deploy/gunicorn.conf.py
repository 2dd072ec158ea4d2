"""Gunicorn settings for Speld: `gunicorn --config deploy/gunicorn.conf.py wsgi:app`.

Read by `make run`, the systemd unit and the container alike. Settings that vary
per host come from the environment; command-line flags override this file.
"""

import ipaddress
import logging
import os
import re

from gunicorn import glogging

# Where to listen: loopback behind nginx on one host; 0.0.0.0:8000 in a container. Under
# systemd the socket unit listens (deploy/speld.socket) and gunicorn takes its socket instead.
bind = [os.environ.get("SPELD_BIND", "127.0.0.1:8000")]

# Scans are short database writes: a worker per core and one spare keeps the
# cores busy while others wait on the database. WEB_CONCURRENCY overrides.
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))
worker_class = "sync"

# A request that takes longer than this is stuck (an export is a few seconds at most).
timeout = 60
# On SIGTERM workers finish the requests in hand for up to this long, then exit:
# a restart during the fair drops no scan. The systemd unit waits a little longer.
graceful_timeout = 25
# nginx keeps connections to us open; a short keep-alive frees sync workers.
keepalive = 5

# Restart each worker now and then, staggered, so slow growth cannot build up.
max_requests = 20000
max_requests_jitter = 2000

# Access log without the client's address or user agent (the privacy rules:
# no IP addresses in logs). Time, request line, status, bytes, duration in µs.
accesslog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(B)s %(D)sus'
errorlog = "-"
loglevel = "info"

# gunicorn's own error log names the client where it cannot be left out ("Invalid request
# from ip=…" for a malformed request): every address in its lines is masked before any
# handler (file, stderr, syslog) sees it, but those gunicorn listens on.
_IPV6 = re.compile(r"(?<![\w:.])(?=[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*:)[0-9A-Fa-f:.]+(?:%[\w.-]+)?")
_IPV4 = re.compile(r"(?<![\w.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![\w])")
MASK = "[address]"


def _address(text: str):
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


class NoClientAddresses(logging.Filter):
    """Rewrites every IP address in a record's message and traceback to ``[address]``.

    Kept as they are: the unspecified addresses and those in ``own`` (where gunicorn
    listens), which are never a client's.
    """

    masks_addresses = True

    def __init__(self, own=()):
        super().__init__()
        self.own = {found for found in map(_address, own) if found is not None}

    def _mask(self, match: re.Match) -> str:
        text = match[0]
        # "ip=10.0.0.1:" and "ip=64:ff9b:::" end a sentence: try without what follows.
        ends = [len(text)] + [n for n in range(len(text) - 1, 0, -1) if text[n] in ":."]
        for end in ends:
            candidate = text[:end]
            found = _address(candidate)
            if found is not None:
                if found.is_unspecified or found in self.own:
                    return text
                return MASK + text[len(candidate) :]
        return text

    def mask(self, text: str) -> str:
        return _IPV4.sub(self._mask, _IPV6.sub(self._mask, text))

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed record: its handler reports it, with no arguments filled
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        return True


class AddressFreeLogger(glogging.Logger):
    """gunicorn's logger with ``NoClientAddresses`` on its error and access logs."""

    def setup(self, cfg):
        super().setup(cfg)  # runs again on a reload (SIGHUP): one filter each, replaced
        own = [part.rsplit(":", 1)[0].strip("[]") for part in cfg.bind]
        for log in (self.error_log, self.access_log):
            # By a mark, not the class: a reload reads this file again, a new class each time.
            for old in [f for f in log.filters if getattr(f, "masks_addresses", False)]:
                log.removeFilter(old)
            log.addFilter(NoClientAddresses(own))


logger_class = AddressFreeLogger

# nginx is the only client; the client address comes from X-Forwarded-For through
# Speld's TRUSTED_PROXIES (Werkzeug's ProxyFix), not from gunicorn.
forwarded_allow_ips = "127.0.0.1,::1"

# No control socket: it defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl), which
# two instances on one host would fight over, and systemd's ProtectHome hides $HOME anyway.
# Reload with SIGHUP and stop with SIGTERM, as the systemd unit does.
control_socket_disable = True
