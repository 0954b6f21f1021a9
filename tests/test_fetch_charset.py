"""Decoding fetched bytes: BOM, declared charset, <meta>, and the utf-8 / cp1251 mix-ups."""

from __future__ import annotations

import codecs

import pytest

from digest.errors import BinaryContentError
from digest.fetch.charset import decode, is_text_type

RU = "Гомель и Витебск"
BY = "Мінск і Брэст"


def test_declared_header_charset_is_used() -> None:
    assert decode(RU.encode("koi8-r"), "text/html; charset=KOI8-R") == (RU, "koi8-r")


def test_bom_wins_over_a_wrong_header() -> None:
    body = codecs.BOM_UTF8 + BY.encode()
    assert decode(body, "text/html; charset=iso-8859-1") == (BY, "utf-8")
    assert decode(codecs.BOM_UTF16_LE + BY.encode("utf-16-le"), None) == (BY, "utf-16-le")


def test_meta_charset_when_the_header_has_none() -> None:
    body = f'<html><head><meta charset="windows-1251"></head><p>{RU}</p>'.encode("cp1251")
    text, encoding = decode(body, "text/html")
    assert RU in text and encoding == "cp1251"


def test_http_equiv_meta_and_xml_declaration() -> None:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>{RU}'
    assert RU in decode(meta.encode("koi8-r"))[0]
    xml = f'<?xml version="1.0" encoding="koi8-r"?><rss><title>{RU}</title></rss>'
    assert RU in decode(xml.encode("koi8-r"), "application/rss+xml")[0]


def test_cp1251_labelled_utf8_is_repaired() -> None:
    assert decode(RU.encode("cp1251"), "text/html; charset=utf-8") == (RU, "cp1251")


def test_utf8_labelled_cp1251_is_repaired() -> None:
    assert decode(BY.encode(), "text/html; charset=windows-1251") == (BY, "utf-8")


def test_undeclared_bodies_are_sniffed() -> None:
    assert decode(RU.encode("cp1251")) == (RU, "cp1251")
    assert decode("Café crème".encode("cp1252")) == ("Café crème", "cp1252")
    assert decode(BY.encode()) == (BY, "utf-8")


def test_an_unknown_charset_label_is_ignored() -> None:
    assert decode(BY.encode(), "text/html; charset=x-no-such-charset") == (BY, "utf-8")


def test_nul_bytes_mean_binary() -> None:
    with pytest.raises(BinaryContentError, match="NUL bytes"):
        decode(b"GIF89a\x00\x01\x00", "text/html")


@pytest.mark.parametrize(
    ("ctype", "text"),
    [
        ("text/html; charset=utf-8", True),
        ("application/rss+xml", True),
        ("application/vnd.custom+xml", True),
        ("", True),
        ("application/octet-stream", True),
        ("image/jpeg", False),
        ("application/pdf", False),
        ("application/zip", False),
    ],
)
def test_text_types(ctype: str, text: bool) -> None:
    assert is_text_type(ctype) is text


def test_cyrillic_labelled_latin_1_is_read_as_cp1251_but_western_text_is_not():
    russian = "Пограничники сообщили об очередях на выезд из страны"
    assert decode(russian.encode("cp1251"), "text/html; charset=iso-8859-1") == (russian, "cp1251")
    french = "Le café de la gare a fermé après une longue année"
    assert decode(french.encode("cp1252"), "text/html; charset=iso-8859-1") == (french, "cp1252")


LONG = "Пограничники сообщили об очередях на выезд из страны в сторону Польши и Литвы"


def test_utf32_boms_are_not_read_as_utf16() -> None:
    assert decode(codecs.BOM_UTF32_LE + LONG.encode("utf-32-le")) == (LONG, "utf-32-le")
    assert decode(codecs.BOM_UTF32_BE + LONG.encode("utf-32-be")) == (LONG, "utf-32-be")


@pytest.mark.parametrize(
    ("codec", "label", "name"),
    [
        ("utf-16-be", "utf-16be", "utf-16-be"),
        ("utf-16-le", "UTF-16LE", "utf-16-le"),
        ("utf-16-be", "utf-16", "utf-16-be"),  # no byte order named: big-endian (RFC 2781)
        ("utf-32-be", "utf-32be", "utf-32-be"),
        ("utf-32-le", "utf-32le", "utf-32-le"),
    ],
)
def test_declared_wide_charsets_without_a_bom(codec: str, label: str, name: str) -> None:
    assert decode(LONG.encode(codec), f"text/plain; charset={label}") == (LONG, name)


def test_an_xml_declaration_in_utf16_without_a_bom_is_recognised() -> None:
    xml = f'<?xml version="1.0" encoding="utf-16"?><title>{LONG}</title>'
    assert decode(xml.encode("utf-16-le"), "application/xml")[0] == xml
    assert decode(xml.encode("utf-16-be"))[0] == xml


@pytest.mark.parametrize("codec", ["koi8-r", "cp1251", "cp866", "iso8859-5"])
def test_undeclared_cyrillic_single_byte_charsets_are_told_apart(codec: str) -> None:
    text, _ = decode(LONG.encode(codec))
    assert text == LONG


def test_latin1_labelled_koi8r_is_read_as_koi8r() -> None:
    assert decode(LONG.encode("koi8-r"), "text/html; charset=iso-8859-1") == (LONG, "koi8-r")


def test_nul_bytes_without_a_wide_charset_are_still_binary() -> None:
    with pytest.raises(BinaryContentError):
        decode(LONG.encode("utf-16-be"), "text/plain")


@pytest.mark.parametrize(
    "ctype",
    [
        "application/xml-dtd",
        "text/xml-external-parsed-entity",
        "application/xml-external-parsed-entity",
    ],
)
def test_xml_entity_and_dtd_types_are_text(ctype: str) -> None:
    assert is_text_type(ctype)
