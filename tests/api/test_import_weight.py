"""What the API imports before its first request: the figure library only when a figure is drawn.

matplotlib holds ~50 MB resident once imported; a service that draws no figure should not
pay for it (issue 8's RSS goal at 1M). Checked in a fresh interpreter, since this test
session has long imported everything.
"""

from __future__ import annotations

import subprocess
import sys

# Heavy libraries the API's start-up needs none of: matplotlib draws figures, the others
# are not used by the service at all.
NOT_AT_START = ("matplotlib", "PIL", "pandas", "scipy", "igraph")


def _imported_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_the_api_imports_no_figure_library_at_start() -> None:
    imported = _imported_after("from app.api.main import create_app\ncreate_app()")
    assert "app" in imported and "fastapi" in imported  # the probe saw the app's imports
    assert not imported & set(NOT_AT_START), sorted(imported & set(NOT_AT_START))
