"""Public Telegram channels, read from their web preview at t.me/s/<channel>, page by page."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from digest.errors import FetchError, SourceError
from digest.models import Document
from digest.settings.schema import SourceConfig
from digest.sources.base import SourceContext
from digest.sources.web import attribute, require_fetcher

if TYPE_CHECKING:  # bs4 and the fetcher are imported where they are used
    from bs4 import Tag

    from digest.fetch.client import Fetcher

log = logging.getLogger(__name__)
PERMALINK = "https://t.me"
_CHANNEL = re.compile(r"^(?:@|(?:https?://)?(?:www\.)?t(?:elegram)?\.me/(?:s/)?)?(\w{3,64})/?$")
_NOTICE = ".tgme_widget_message_centered_text, .tgme_page_description, .tgme_channel_restricted"


@dataclass(frozen=True)
class Post:
    """One channel post as the preview shows it."""

    id: int
    channel: str
    published: datetime | None
    html: str
    author: str | None
    link: str | None  # the first link the post points to, if any
    views: str | None


class TelegramSource:
    """A public channel's posts, newest first, back to ctx.since or max_pages pages."""

    kind = "telegram"

    class Options(BaseModel):
        """Options under `options:` for a Telegram channel source."""

        model_config = ConfigDict(frozen=True, extra="forbid")
        max_pages: int = Field(default=5, ge=1)
        base_url: str = "https://t.me"  # the preview's host (a mirror, or a local test server)

    def documents(self, source: SourceConfig, ctx: SourceContext) -> Iterator[Document]:
        """Yield one Document per new post (its text HTML, date and permalink)."""
        opts = self.Options.model_validate(source.options)
        fetcher = require_fetcher(source, ctx)
        channel = channel_name(source)
        before: int | None = None
        for _ in range(opts.max_pages):
            posts = read_page(source, fetcher, opts.base_url, channel, before)
            fresh = [p for p in posts if not ctx.seen(permalink(p))]
            old = [p for p in posts if ctx.since and p.published and p.published < ctx.since]
            for post in fresh:
                if post.html and post not in old:
                    yield _document(source, post)
            if not posts or old or not fresh or min(p.id for p in posts) <= 1:
                return
            before = min(p.id for p in posts)


def channel_name(source: SourceConfig) -> str:
    """The channel's username from a location like `name`, `@name` or `https://t.me/s/name`."""
    match = _CHANNEL.match(source.location.strip())
    if not match:
        raise SourceError(source.id, f"{source.location!r} is not a Telegram channel name or URL")
    return match.group(1)


def permalink(post: Post) -> str:
    """The post's public address, https://t.me/<channel>/<id>."""
    return f"{PERMALINK}/{post.channel}/{post.id}"


def read_page(
    source: SourceConfig, fetcher: Fetcher, base: str, channel: str, before: int | None
) -> list[Post]:
    """The posts on one preview page; SourceError when the channel shows no message list."""
    url = f"{base.rstrip('/')}/s/{channel}" + (f"?before={before}" if before else "")
    try:
        page = fetcher.get(url)
    except FetchError as exc:
        raise SourceError(source.id, f"channel preview failed: {exc}") from None
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.text, "lxml")
    history = soup.select_one(".tgme_channel_history, .js-message_history")
    messages = soup.select("div.tgme_widget_message[data-post]")
    if history is None or (not messages and soup.select_one(_NOTICE)):
        notice = soup.select_one(_NOTICE)
        said = f" (the page says: {notice.get_text(' ', strip=True)!r})" if notice else ""
        reason = "has no public web preview: disabled, restricted or nonexistent"
        raise SourceError(source.id, f"channel '{channel}' {reason}{said}")
    posts = [_post(m) for m in messages]
    return [p for p in posts if p is not None]


def _post(message: Tag) -> Post | None:
    """A Post from one message element (html empty for media-only posts); None if unnumbered."""
    channel, _, number = (attribute(message, "data-post") or "").partition("/")
    if not number.isdigit():
        return None
    texts = message.select(".tgme_widget_message_text")
    body = next((t for t in texts if not _in_reply(t) and t.get_text(strip=True)), None)
    stamp = message.select_one(".tgme_widget_message_date time[datetime], time[datetime]")
    owner = message.select_one(".tgme_widget_message_owner_name, .tgme_widget_message_from_author")
    preview = message.select_one("a.tgme_widget_message_link_preview[href]")
    outward = preview or (body.select_one("a[href^='http']") if body else None)
    views = message.select_one(".tgme_widget_message_views")
    return Post(
        id=int(number),
        channel=channel,
        published=_when(attribute(stamp, "datetime")) if stamp else None,
        html=str(body) if body else "",
        author=owner.get_text(" ", strip=True) if owner else None,
        link=attribute(outward, "href") if outward else None,
        views=views.get_text(strip=True) if views else None,
    )


def _in_reply(tag: Tag) -> bool:
    """Whether a text element belongs to the quoted post a reply shows, not the post."""
    return tag.find_parent(class_="tgme_widget_message_reply") is not None


def _when(value: str | None) -> datetime | None:
    """A post's ISO timestamp as an aware UTC datetime (None when missing or unreadable)."""
    if value is None:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC)


def _document(source: SourceConfig, post: Post) -> Document:
    """A Document for one post: its text HTML, date, author and permalink."""
    meta = {"channel": post.channel, "post_id": post.id, "link": post.link, "views": post.views}
    return Document(
        source_id=source.id,
        url=permalink(post),
        fetched_at=datetime.now(UTC),
        content=post.html,
        content_type="text/html",
        published=post.published,
        author=post.author,
        meta={**meta, "canonical_url": permalink(post), "own_text": True},  # the post is the text
    )
