"""Names that stand for files: a model's name, a strategy file an experiment arm includes.

Where arrears expects a name, a path must not slip in (OWASP "Path Traversal"): ``../`` would
climb out of the folder the name is looked up in, and an absolute path would ignore the folder.
A plain name has no folder part at all; a relative name may go down into sub-folders of its own
folder but never up, never from the root, and never with a backslash or NUL (other systems'
separators and the C string end).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from arrears.errors import ArrearsError

_FORBIDDEN = ("\\", "\x00")


def relative_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a file below its folder, or None when it can."""
    if not name.strip():
        return "a file name is needed"
    if any(c in name for c in _FORBIDDEN) or name.startswith("~"):
        return f"{name!r} is not a plain file name"
    path = PurePosixPath(name)
    if path.is_absolute():
        return f"{name!r} is an absolute path; name a file beside this one"
    if ".." in path.parts:
        return f"{name!r} climbs out of its folder"
    return None


def plain_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a name without any folder part, or None when it can."""
    problem = relative_name_problem(name)
    if problem is None and (len(PurePosixPath(name).parts) != 1 or name in (".", "./")):
        return f"{name!r} has a folder in it; give a name only"
    return problem


def require_plain_name(name: str, *, what: str) -> str:
    problem = plain_name_problem(name)
    if problem:
        raise ArrearsError(f"{what}: {problem}")
    return name


def require_relative_name(name: str, *, what: str) -> str:
    problem = relative_name_problem(name)
    if problem:
        raise ArrearsError(f"{what}: {problem}")
    return name
