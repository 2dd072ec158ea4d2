"""The yardstick for bench/scan_load.py: a Flask app that only answers the scan's redirect."""

from flask import Flask, redirect

app = Flask(__name__)


@app.get("/p/<code>")
def scan(code):
    return redirect(f"/l/{code}", 302)
