"""The Content-Disposition of every download, so no name (a cycle's, a unit's) can break the header.

RFC 6266 with RFC 5987: `filename="..."` is plain ASCII for old clients, and `filename*=UTF-8''...`
keeps the name as written (Chinese included) for every current browser. Before either is built,
what cannot be in a file name is replaced: path separators, quotes, control characters, line
breaks and the characters Windows refuses. Django's `content_disposition_header` gives one form
or the other and keeps a slash; this gives both.
"""

import re
import unicodedata
from urllib.parse import quote

# Not in a file name: controls (line breaks included), separators, quotes and what Windows refuses.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff"\\/:*?<>|]+')
# Not in the ASCII fallback either: anything outside printable ASCII, and % (some browsers decode it).
_NOT_PLAIN = re.compile(r"[^\x20-\x7e]+|%")


def safe_filename(name, default="download"):
    """The file name with what no file name should hold replaced by "-"; `default` if nothing readable is left."""
    name = _UNSAFE.sub("-", unicodedata.normalize("NFC", str(name))).strip(" .")
    return name if any(character.isalnum() for character in name) else default


def content_disposition(filename, *, as_attachment=True):
    """The Content-Disposition header value for a file of this name."""
    disposition = "attachment" if as_attachment else "inline"
    name = safe_filename(filename)
    fallback = _NOT_PLAIN.sub("_", name)
    stem, dot, extension = fallback.rpartition(".")
    if dot and not stem.strip("_ -"):  # nothing ASCII but the extension: keep a readable name
        fallback = f"download.{extension}"
    header = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header
