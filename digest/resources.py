"""The files the installed package carries (templates, the shipped model and corpus, migrations,
the desk's pages), found through importlib.resources so a wheel works outside the repository."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from digest.errors import DigestError


def package_path(package: str, *parts: str) -> Path:
    """A folder or file shipped inside `package`, as a path (the package is installed as files)."""
    return Path(str(files(package).joinpath(*parts)))


def templates_dir() -> Path:
    """The shipped issue templates: the repository's templates/, installed as digest.templates."""
    path = package_path("digest.templates")
    if not (path / "issue.html").is_file():
        raise DigestError(f"the installed package lacks its templates (looked in {path})")
    return path
