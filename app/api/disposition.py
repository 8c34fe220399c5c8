"""`Content-Disposition: attachment` with a file name any client reads safely (RFC 6266).

The plain `filename` holds ASCII letters, digits and `._-` only (anything else becomes
`_`); when the real name differs, `filename*` carries it in UTF-8, percent-encoded
(RFC 5987), for clients that read it.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def attachment(filename: str) -> str:
    """The header value for downloading `filename`.

    Examples
    --------
    >>> attachment("citygraph_2016.json")
    'attachment; filename="citygraph_2016.json"'
    >>> attachment("citygraph_århus.json")
    'attachment; filename="citygraph__rhus.json"; filename*=UTF-8\\'\\'citygraph_%C3%A5rhus.json'
    """
    plain = _UNSAFE.sub("_", filename)
    header = f'attachment; filename="{plain}"'
    if plain != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header
