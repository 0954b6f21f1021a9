"""The `digest sources` group: list and status, and adding sources (by URL or from OPML), export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from digest.cli.common import common, err, global_options, load_config, options, out
from digest.errors import DigestError, InputError

if TYPE_CHECKING:
    from digest.settings.schema import Settings


@click.group("sources", invoke_without_command=True)
@global_options
@click.pass_context
def sources(ctx: click.Context) -> None:
    """List the sources (enabled and disabled) with their item counts; add, import, export.

    Example: digest sources status
    """
    if ctx.invoked_subcommand is None:
        _list(load_config())


@sources.command("list")
@common
def list_sources(settings: Settings) -> None:
    """Every configured source: kind, name, whether it is enabled and linked, items stored.

    Example: digest sources list
    """
    _list(settings)


def _list(settings: Settings) -> None:
    """The table of sources, disabled ones included (marked), with their stored item counts."""
    from rich.table import Table

    from digest import pipeline as run

    counts = run.open_store(settings).counts_by_source()
    table = Table("id", "kind", "name", "enabled", "link", "location", "items")
    for s in settings.sources:
        enabled = "yes" if s.enabled else "no"
        link = "yes" if s.link else "no"
        row = (s.id, s.kind, s.name, enabled, link, s.location, str(counts.get(s.id, 0)))
        table.add_row(*row, style=None if s.enabled else "dim")
    off = sum(not s.enabled for s in settings.sources)
    table.caption = f"{len(settings.sources)} sources, {off} disabled (not read by ingest)"
    _product().print(table)


@sources.command("status")
@common
def status(settings: Settings) -> None:
    """Each source's last run, last success and last error.

    Example: digest sources status
    """
    from rich.table import Table

    from digest import pipeline as run

    table = Table("id", "items", "last run", "last success", "last error")
    for row in run.source_status(settings, run.open_store(settings)):
        table.add_row(*row)
    _product().print(table)


@sources.command("add")
@click.argument("url")
@click.option("--id", "source_id", help="The new source's id [default: from the site's name].")
@click.option("--name", help="How the issue credits it [default: the feed's title].")
@click.option("--kind", default="rss", show_default=True,
              help="rss finds the page's feed; web, telegram, file take URL as is.")  # fmt: skip
@click.option("--language", help="Its language, e.g. ru [default: the feed's, else en].")
@click.option("--no-link", is_flag=True, help="Name it in the issue but never link it.")
@common
def add(settings: Settings, url: str, source_id, name, kind: str, language, no_link: bool) -> None:
    """Add a source to the config: find the feed of a page (or take the feed URL) and append it.

    The page is fetched politely (robots.txt, limits); the file keeps its comments, and it is
    validated whole before it is written.

    Example: digest sources add https://news.example.org/ --no-link
    """
    from digest.settings.editing import add_sources, make_source_id

    location, title, found_language = url, None, None
    if kind == "rss":
        from digest.fetch.client import Fetcher
        from digest.fetch.records import FetchOptions
        from digest.sources.discover import discover

        with Fetcher(
            settings.user_agent,
            FetchOptions.from_config(settings.fetch),
        ) as f:
            f.guard.allow_only([url])  # the address the editor names is trusted; its links not
            found = discover(f, url)
        location, title, found_language = found.feed_url, found.title, found.language
        if found.page_url:
            out.print(f"found the feed {location} on {found.page_url}", markup=False)
    for s in settings.sources:
        if s.location == location:
            raise InputError(f"{location} is already configured as source '{s.id}'")
    entry: dict[str, Any] = {
        "id": source_id or make_source_id(location, settings.source_ids),
        "kind": kind,
        "location": location,
        "name": name or title or make_source_id(location, ()),
        "language": language or found_language or "en",
        "link": not no_link,
    }
    path = Path(options().config_path)
    add_sources(path, [entry], note=f"added by `digest sources add {url}`")
    out.print(f"added source '{entry['id']}' ({kind} {location}) to {path}", markup=False)
    out.print(f"try it: digest check {entry['id']}", markup=False)


@sources.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--language", default="en", show_default=True,
              help="The language of feeds whose outline does not give one.")  # fmt: skip
@common
def import_opml(settings: Settings, file: Path, language: str) -> None:
    """Add the feeds of an OPML file (from a feed reader) as rss sources; known feeds are skipped.

    Example: digest sources import subscriptions.opml
    """
    from digest.settings.editing import add_sources, make_source_id
    from digest.sources.opml import read_opml

    feeds = read_opml(file)
    known = {s.location for s in settings.sources}
    taken = list(settings.source_ids)
    entries, skipped = [], 0
    for feed in feeds:
        if feed.xml_url in known:
            skipped += 1
            continue
        hint = feed.name if make_source_id(feed.name, ()) != "source" else feed.xml_url
        sid = make_source_id(hint, taken)
        taken.append(sid)
        known.add(feed.xml_url)
        entry: dict[str, object] = {"id": sid, "kind": "rss", "location": feed.xml_url}
        entry["name"] = feed.name
        entry |= {"language": feed.language or language, "link": feed.link}
        entries.append(entry if feed.enabled else entry | {"enabled": False})
    path = Path(options().config_path)
    if entries:
        add_sources(path, entries, note=f"imported from {file.name}")
    out.print(f"imported {len(entries)} feeds into {path}; {skipped} already configured")


@sources.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@common
def export_opml(settings: Settings, file: Path | None) -> None:
    """Write the rss sources as OPML 2.0 (to FILE, or to stdout) for a feed reader.

    Example: digest sources export feeds.opml
    """
    from digest.sources.opml import Feed, site_of, write_opml

    feeds = [
        Feed(s.location, s.name, site_of(s.location), s.language, s.link, s.enabled)
        for s in settings.sources
        if s.kind == "rss"
    ]
    text = write_opml(feeds, f"{settings.digest.title}: sources")
    others = len(settings.sources) - len(feeds)
    if file is None:
        click.echo(text, nl=False)
    else:
        try:
            file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise DigestError(f"{file}: cannot write ({exc.strerror})") from exc
        out.print(f"wrote {len(feeds)} feeds to {file}", markup=False)
    if others and not options().quiet:
        err.print(f"{others} sources of other kinds have no feed to export", markup=False)


def _product():
    """The console for a listing the user asked for: -q does not silence it."""
    from rich.console import Console

    return Console(highlight=False)
