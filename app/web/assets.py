"""The UI's static files, read once at startup, gzipped once, addressed by one content hash.

Every asset lives under `/assets/<version>/…`, where the version is a hash of all files: the
browser may cache them forever (`immutable`), and a new release changes every URL at once, so a
page never mixes modules of two releases. Relative imports between modules keep working because
they all share the prefix. The HTML shell names the prefix and is revalidated on every load.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
SHELL = "index.html"
PREFIX_MARK = "{{ASSETS}}"
_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".html": "text/html",
    ".json": "application/json",
}


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    gzipped: bytes
    content_type: str
    etag: str


@dataclass(frozen=True, slots=True)
class Assets:
    version: str
    shell: Asset
    files: dict[str, Asset]

    @property
    def prefix(self) -> str:
        return f"/assets/{self.version}"


def _asset(body: bytes, name: str) -> Asset:
    suffix = Path(name).suffix
    content_type = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return Asset(body, gzip.compress(body, 9, mtime=0), content_type, etag)


def load(directory: Path = STATIC_DIR) -> Assets:
    """All files under `directory` (the shell apart), keyed by their path relative to it."""
    raw = {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
    shell = raw.pop(SHELL)
    digest = hashlib.sha256()
    for name, body in raw.items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(body).digest())
    version = digest.hexdigest()[:12]
    html = shell.replace(PREFIX_MARK.encode(), f"/assets/{version}".encode())
    files = {name: _asset(body, name) for name, body in raw.items()}
    return Assets(version=version, shell=_asset(html, SHELL), files=files)
