"""Recipients from config and CSV: each bad row is named by file and line and skipped alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from digest.delivery.recipients import (
    Recipient,
    address_key,
    address_problem,
    from_csv,
    load_recipients,
    screen,
)
from digest.errors import DigestError
from digest.settings.schema import DeliveryConfig, RecipientConfig
from tests.issue_factory import make_settings

FIXTURES = Path(__file__).parent / "fixtures" / "mail"


def settings_with(tmp_path: Path, recipients=(), csv_name: str | None = None):
    """Settings whose delivery lists `recipients` inline and reads `csv_name` from tmp_path."""
    if csv_name:
        shutil.copy(FIXTURES / csv_name, tmp_path / csv_name)
    delivery = DeliveryConfig(
        sender="Belarus Review <review@example.org>",
        recipients=tuple(RecipientConfig(**r) for r in recipients),
        recipients_csv=csv_name,
    )
    return make_settings(tmp_path).model_copy(update={"delivery": delivery})


def test_csv_good_rows_are_kept_and_each_bad_row_is_named_by_line(tmp_path):
    settings = settings_with(tmp_path, csv_name="subscribers.csv")
    good, bad = load_recipients(settings)
    assert [(r.address, r.format) for r in good] == [
        ("analyst@example.org", "pdf"),
        ("desk@example.net", "html"),
        ("reader@example.com", "text"),
        ("late@Example.COM", "html"),
    ]
    assert good[1].name == "Desk, Vilnius" and good[2].name == "Aleś Čytač"
    assert [r.recipient.origin for r in bad] == [f"subscribers.csv:{n}" for n in (7, 8, 9, 10)]
    reasons = [r.reason for r in bad]
    assert reasons[0] == "subscribers.csv:7: bad address 'not-an-address': expected name@domain"
    assert "unknown format 'fax'" in reasons[1]
    assert "already listed at subscribers.csv:4" in reasons[2]
    assert "two@@example.org" in reasons[3]
    assert all("\n" not in reason for reason in reasons)


def test_config_recipients_come_first_and_a_csv_duplicate_of_them_is_reported(tmp_path):
    inline = [{"address": "desk@example.net", "name": "Desk", "format": "text"}]
    good, bad = load_recipients(settings_with(tmp_path, inline, "subscribers.csv"))
    assert good[0] == Recipient("desk@example.net", "Desk", "text", "config recipient 1")
    assert "already listed at config recipient 1" in bad[0].reason
    assert bad[0].recipient.origin == "subscribers.csv:5"


def test_config_only_bad_address_is_reported_not_raised(tmp_path):
    inline = [{"address": "a@b"}, {"address": "ok@example.org"}]
    good, bad = load_recipients(settings_with(tmp_path, inline))
    assert [r.address for r in good] == ["ok@example.org"]
    assert bad[0].reason.startswith("config recipient 1: bad address 'a@b'")
    assert bad[0].log_key == "a@b"


def test_unreadable_files_and_headers_fail_as_a_whole(tmp_path):
    with pytest.raises(DigestError, match=r"missing\.csv: recipients file not found"):
        from_csv(tmp_path / "missing.csv")
    with pytest.raises(DigestError, match=r"header-wrong\.csv:1: the header must name"):
        from_csv(FIXTURES / "header-wrong.csv")


def test_no_delivery_section_is_a_clear_error(tmp_path):
    with pytest.raises(DigestError, match="delivery is not configured"):
        load_recipients(make_settings(tmp_path))


@pytest.mark.parametrize(
    "address",
    ["a.b+tag@example.org", "x@sub.example.co.uk", "Ivan@ПРИМЕР.рф".lower(), "o'neil@example.ie"],
)
def test_plausible_addresses_pass(address):
    assert address_problem(address) is None


@pytest.mark.parametrize(
    "address",
    ["", "plain", "@example.org", "a@", "a@localhost", "a b@example.org", "a@-x.example",
     "a..b@example.org", "a@example..org", "<a@example.org>", "a@example.org,b@example.org"],
)  # fmt: skip
def test_implausible_addresses_fail_with_a_reason(address):
    assert address_problem(address).startswith("bad address")


def test_address_key_lowers_only_the_domain_and_screen_skips_duplicates():
    assert address_key(" Hanna@Example.ORG ") == "Hanna@example.org"
    first = Recipient("hanna@example.org", origin="a")
    good, bad = screen([first, Recipient("HANNA@example.org", origin="b")])
    assert good == [first] and bad[0].reason == "b: 'HANNA@example.org' is already listed at a"


def test_an_inline_bad_address_is_named_by_its_config_file_line(tmp_path):
    from digest.settings.loading import load_settings

    config = tmp_path / "sources.yaml"
    config.write_text(
        "sections: [{id: military, heading: MILITARY, order: 1}]\n"
        "delivery:\n"
        "  sender: review@example.org\n"
        "  recipients:\n"
        "    - {address: hanna@example.org}\n"
        "    - {address: 'hanna at example.org'}\n"
        "    - address: x@exa_mple.org\n"
        "      name: Underscore\n",
        encoding="utf-8",
    )
    good, bad = load_recipients(load_settings(config))
    assert [r.origin for r in good] == ["sources.yaml:5"]
    assert [r.reason.split(": ")[0] for r in bad] == ["sources.yaml:6", "sources.yaml:7"]
    assert (
        bad[0].reason == "sources.yaml:6: bad address 'hanna at example.org': expected name@domain"
    )
    assert bad[1].reason.endswith("the part after the @-sign contains invalid characters: '_'")
