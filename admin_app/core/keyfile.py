"""A development key kept in a file, created once even when several worker processes start
at the same moment (the first one's key is the key of all of them)."""

import os
from collections.abc import Callable
from pathlib import Path


def kept(path: Path, make: Callable[[], str]) -> str:
    """The key in `path`, made by `make()` if there is none yet (owner-only file)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(make())
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # atomic: never replaces a key another process just kept
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
