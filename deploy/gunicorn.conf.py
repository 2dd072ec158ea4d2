"""Gunicorn settings for Speld: `gunicorn --config deploy/gunicorn.conf.py wsgi:app`.

Read by `make run`, the systemd unit and the container alike. Settings that vary
per host come from the environment; command-line flags override this file.
"""

import os

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

# nginx is the only client; the client address comes from X-Forwarded-For through
# Speld's TRUSTED_PROXIES (Werkzeug's ProxyFix), not from gunicorn.
forwarded_allow_ips = "127.0.0.1,::1"

# No control socket: it defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl), which
# two instances on one host would fight over, and systemd's ProtectHome hides $HOME anyway.
# Reload with SIGHUP and stop with SIGTERM, as the systemd unit does.
control_socket_disable = True
