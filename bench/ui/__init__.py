"""The web UI measured and pictured: a demo server seeded through the real sentry-sdk
(`demo.py`), screenshots (scripts/screenshots.py) and the issue list's load time (`__main__`)."""
