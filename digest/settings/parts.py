"""The optional parts of the settings: delivery, the desk, the topic and HTTP fetching."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class RecipientConfig(_Frozen):
    """A subscriber: address, name and the format they want."""

    address: str = Field(min_length=3)
    name: str = ""
    format: Literal["pdf", "html", "text"] = "html"


class SmtpConfig(_Frozen):
    """The SMTP server; the password comes from an environment variable only."""

    host: str = "127.0.0.1"
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password_env: str = "DIGEST_SMTP_PASSWORD"
    timeout: float = Field(default=30.0, gt=0, le=3600)


class ScheduleConfig(_Frozen):
    """When the weekly run happens, in the digest's time zone."""

    day_of_week: str = "mon"
    time: str = Field(default="07:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    misfire_grace_hours: float = Field(default=144.0, gt=0, le=24 * 366)  # runs up to 6 days late


class DeliveryConfig(_Frozen):
    """Email delivery: sender, server, subscribers (inline or a CSV) and the weekly schedule."""

    sender: str = Field(min_length=3)
    reply_to: str | None = None
    list_unsubscribe: str | None = None  # a mailto: or https: URL
    unsubscribe_url: str | None = None  # the desk's public https .../unsubscribe endpoint
    unsubscribe_secret_env: str = "DIGEST_UNSUBSCRIBE_SECRET"  # signs each recipient's token
    smtp: SmtpConfig = SmtpConfig()
    recipients: tuple[RecipientConfig, ...] = ()
    recipients_csv: str | None = None  # columns: address, name, format
    schedule: ScheduleConfig = ScheduleConfig()


class DeskUser(_Frozen):
    """An editor who may log in to the desk: a name and a password hash."""

    name: str = Field(pattern=ID_PATTERN)
    password_hash: str = Field(min_length=10)


class DeskConfig(_Frozen):
    """The editor's desk: its users (or $DIGEST_DESK_PASSWORD for a single editor)."""

    users: tuple[DeskUser, ...] = ()
    secret_env: str = "DIGEST_DESK_SECRET"
    allowed_hosts: tuple[str, ...] = ()  # Host names besides 127.0.0.1/localhost/::1 ("*": any)
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-For/-Proto are believed
    secure_cookies: bool = False  # cookies always Secure (they are anyway on https requests)
    login_failures: int = Field(default=5, ge=1, le=1000)  # wrong passwords before a back-off
    login_backoff_seconds: float = Field(default=60.0, gt=0, le=3600)  # doubles each failure


class TopicConfig(_Frozen):
    """What the digest is about: terms (`stem*` for word starts); empty means the default topic."""

    terms: tuple[str, ...] = ()
    threshold: int = Field(default=2, ge=1)
    title_weight: int = Field(default=3, ge=1)


class FetchConfig(_Frozen):
    """HTTP fetching: timeouts, retries, size cap and politeness limits."""

    timeout: float = Field(default=20.0, gt=0, le=3600)
    deadline: float = Field(default=60.0, gt=0, le=86400)  # a whole response, however slowly
    source_budget: float = Field(default=900.0, gt=0, le=86400)  # one source's run, in a worker
    retries: int = Field(default=3, ge=0, le=100)
    backoff: float = Field(default=1.0, ge=0, le=3600)
    max_bytes: int = Field(default=10_000_000, ge=1024, le=2**40)
    per_host: int = Field(default=2, ge=1, le=1000)
    total: int = Field(default=8, ge=1, le=1000)
    robots: bool = True


class LinkPolicyConfig(_Frozen):
    """Domains never linked (added to the shipped list of regime outlets) and those let through."""

    forbid: tuple[str, ...] = ()  # "host", "host/path", or a glob over hosts ("pravda-*.com")
    allow: tuple[str, ...] = ()  # exceptions to the shipped list and to `forbid`


class LLMConfig(_Frozen):
    """An OpenAI-compatible chat endpoint: base URL (…/v1), model, and the API key's variable."""

    base_url: str = Field(min_length=1)
    model: str = Field(min_length=1)
    api_key_env: str | None = None  # the environment variable holding the key, if one is needed
    timeout: float = Field(default=60.0, gt=0)


class TranslateConfig(_Frozen):
    """Machine translation of stories reported only in other languages (off unless configured):
    a self-hosted LibreTranslate server, or the `llm:` chat endpoint."""

    service: Literal["libretranslate", "chat"]
    base_url: str | None = None  # LibreTranslate's address, e.g. http://127.0.0.1:5000
    api_key_env: str | None = None  # the environment variable holding its key, if it needs one
    timeout: float = Field(default=60.0, gt=0, le=600)


class GenerateConfig(_Frozen):
    """Generated paragraphs (off by default): kept only when every fact is in the reports."""

    paragraphs: bool = False
    max_words: int = Field(default=130, ge=20, le=150)
