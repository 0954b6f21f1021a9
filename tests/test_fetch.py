"""The fetcher against real HTTP on 127.0.0.1: limits, retries, redirects, caps, robots, 304."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from digest.fetch.client import (
    Fetcher,
    FetchError,
    FetchOptions,
    MemoryValidatorCache,
    Validators,
)

UA = "digest-test/1.0 (+https://example.org/bot)"
OPTIONS = FetchOptions(timeout=0.5, retries=2, backoff=0.25, max_bytes=100_000)


@pytest.fixture
def waits() -> list[float]:
    """The waits the fetcher asked for, instead of sleeping."""
    return []


@pytest.fixture
def fetcher(waits: list[float], httpserver_ipv4: HTTPServer) -> Iterator[Fetcher]:
    """A fetcher whose sleeps are recorded, with a validator cache in memory.

    The loopback server's origin is allowed, as a source configured there would be.
    """
    with Fetcher(UA, OPTIONS, cache=MemoryValidatorCache(), sleep=waits.append) as f:
        f.guard.allow_only([httpserver_ipv4.url_for("/")])
        yield f


def in_turn(*responses: Response):
    """A handler that answers with each response in turn, repeating the last."""
    queue = list(responses)
    return lambda _request: queue.pop(0) if len(queue) > 1 else queue[0]


def test_fetches_a_page_as_text_with_the_user_agent(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/page", headers={"User-Agent": UA}).respond_with_data(
        "<p>Вітаем</p>", content_type="text/html; charset=utf-8"
    )
    result = fetcher.get(server.url_for("/page"))
    assert (result.status, result.content_type, result.text) == (200, "text/html", "<p>Вітаем</p>")
    assert result.encoding == "utf-8" and not result.not_modified


def test_cp1251_body_labelled_utf8_is_decoded(server: HTTPServer, fetcher: Fetcher) -> None:
    body = "<p>Лукашенко подписал указ</p>".encode("cp1251")
    server.expect_request("/ru").respond_with_data(body, content_type="text/html; charset=utf-8")
    result = fetcher.get(server.url_for("/ru"))
    assert result.text == "<p>Лукашенко подписал указ</p>" and result.encoding == "cp1251"


def test_utf8_body_labelled_cp1251_is_decoded(server: HTTPServer, fetcher: Fetcher) -> None:
    body = "<p>Мінск</p>".encode()
    server.expect_request("/by").respond_with_data(body, content_type="text/html; charset=cp1251")
    assert fetcher.get(server.url_for("/by")).text == "<p>Мінск</p>"


def test_http_errors_are_not_retried(server: HTTPServer, fetcher: Fetcher, waits) -> None:
    server.expect_request("/gone").respond_with_data("no such page", status=404)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetcher.get(server.url_for("/gone"))
    assert waits == []


def test_server_errors_are_retried_with_backoff(
    server: HTTPServer, fetcher: Fetcher, waits
) -> None:
    server.expect_request("/broken").respond_with_data("oops", status=500)
    with pytest.raises(FetchError, match=r"HTTP 500 \(gave up after 3 attempts\)"):
        fetcher.get(server.url_for("/broken"))
    assert waits == [0.25, 0.5]
    assert sum(1 for req, _ in server.log if req.path == "/broken") == 3


def test_a_transient_503_then_success(server: HTTPServer, fetcher: Fetcher, waits) -> None:
    server.expect_request("/flaky").respond_with_handler(
        in_turn(Response("busy", status=503), Response("fine", content_type="text/plain"))
    )
    assert fetcher.get(server.url_for("/flaky")).text == "fine"
    assert waits == [0.25]


def test_429_honours_retry_after(server: HTTPServer, fetcher: Fetcher, waits) -> None:
    server.expect_request("/limited").respond_with_handler(
        in_turn(
            Response("slow down", status=429, headers={"Retry-After": "7"}),
            Response("ok", content_type="text/plain"),
        )
    )
    assert fetcher.get(server.url_for("/limited")).text == "ok"
    assert waits == [7.0]


def test_a_silent_server_times_out(fetcher: Fetcher, waits: list[float]) -> None:
    # A socket that listens but never answers: connect succeeds, the read times out.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        fetcher.guard.allow_only([f"http://127.0.0.1:{port}/"])
        with pytest.raises(FetchError, match=r"timed out after 0.5s \(gave up after 3"):
            fetcher.get(f"http://127.0.0.1:{port}/slow", feed=True)
    assert waits == [0.25, 0.5]


def test_a_redirect_loop_is_named(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    server.expect_request("/b").respond_with_data("", status=301, headers={"Location": "/a"})
    with pytest.raises(FetchError, match=r"redirect loop: .*/a -> .*/b -> .*/a"):
        fetcher.get(server.url_for("/a"))


def test_too_many_redirects(server: HTTPServer, fetcher: Fetcher) -> None:
    for n in range(8):
        server.expect_request(f"/hop{n}").respond_with_data(
            "", status=307, headers={"Location": f"/hop{n + 1}"}
        )
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.get(server.url_for("/hop0"))


def test_redirects_are_followed_to_the_final_url(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data("here", content_type="text/plain")
    result = fetcher.get(server.url_for("/old"))
    assert result.final_url == server.url_for("/new") and result.text == "here"


def test_a_huge_declared_body_is_refused(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/big").respond_with_data("x" * 200_000, content_type="text/plain")
    with pytest.raises(FetchError, match="body too large .*200000 bytes declared"):
        fetcher.get(server.url_for("/big"))


def test_a_huge_streamed_body_is_cut_off(server: HTTPServer, fetcher: Fetcher) -> None:
    sent = []

    def endless(_: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(1000):  # 10 MB if nobody stops reading
                sent.append(1)
                yield b"y" * 10_000

        return Response(chunks(), content_type="text/plain")

    server.expect_request("/stream").respond_with_handler(endless)
    with pytest.raises(FetchError, match="over the 100000-byte cap"):
        fetcher.get(server.url_for("/stream"))


@pytest.mark.parametrize(
    ("body", "ctype", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png", r"binary content \(image/png\)"),
        (b"%PDF-1.7\n\x00\x01\x02", "text/html", "NUL bytes"),
        (b"PK\x03\x04\x00\x00", "application/octet-stream", "NUL bytes"),
    ],
)
def test_binary_content_is_refused(
    server: HTTPServer, fetcher: Fetcher, body: bytes, ctype: str, message: str
) -> None:
    server.expect_request("/file").respond_with_data(body, content_type=ctype)
    with pytest.raises(FetchError, match=message):
        fetcher.get(server.url_for("/file"))


def test_conditional_get_returns_not_modified(server: HTTPServer, fetcher: Fetcher) -> None:
    stamp = "Mon, 13 Jan 2025 08:00:00 GMT"

    def feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            assert request.headers.get("If-Modified-Since") == stamp
            return Response(status=304)
        return Response(
            "<rss/>",
            content_type="application/rss+xml",
            headers={"ETag": '"v1"', "Last-Modified": stamp},
        )

    server.expect_request("/feed").respond_with_handler(feed)
    url = server.url_for("/feed")
    first = fetcher.get(url, feed=True, conditional=True)
    assert first.text == "<rss/>" and fetcher.cache.get(url) == Validators('"v1"', stamp)
    second = fetcher.get(url, feed=True, conditional=True)
    assert second.not_modified and second.status == 304 and second.text == ""
    # Without `conditional` the validators are not sent: the full body comes back.
    assert fetcher.get(url, feed=True).text == "<rss/>"


def test_robots_txt_is_obeyed_for_pages_only(httpserver_ipv4: HTTPServer, fetcher) -> None:
    server = httpserver_ipv4
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    server.expect_request("/private/feed").respond_with_data("<rss/>", content_type="text/xml")
    server.expect_request("/public").respond_with_data("ok", content_type="text/plain")
    with pytest.raises(FetchError, match="disallowed by .*/robots.txt"):
        fetcher.get(server.url_for("/private/feed"))
    assert fetcher.get(server.url_for("/private/feed"), feed=True).text == "<rss/>"
    assert fetcher.get(server.url_for("/public")).text == "ok"
    assert sum(1 for req, _ in server.log if req.path == "/robots.txt") == 1


def test_robots_txt_longest_match_wins_over_order(httpserver_ipv4: HTTPServer, fetcher) -> None:
    """RFC 9309: `Allow: /news/` after `Disallow: /` opens /news/ (the longer rule wins)."""
    server = httpserver_ipv4
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /\nAllow: /news/\n", content_type="text/plain"
    )
    server.expect_request("/news/today").respond_with_data("news", content_type="text/plain")
    server.expect_request("/about").respond_with_data("about", content_type="text/plain")
    assert fetcher.get(server.url_for("/news/today")).text == "news"
    with pytest.raises(FetchError, match="disallowed by .*/robots.txt"):
        fetcher.get(server.url_for("/about"))
    assert not any(req.path == "/about" for req, _ in server.log)


def test_robots_txt_wildcards_and_end_anchor(httpserver_ipv4: HTTPServer, fetcher) -> None:
    """`*` matches any run of characters and `$` anchors the end; our agent's group applies."""
    server = httpserver_ipv4
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: otherbot\nDisallow: /\n\n"
        "User-agent: digest-test\nDisallow: /*/print\nDisallow: /*.pdf$\n",
        content_type="text/plain",
    )
    for path in ("/a/story", "/a/story.pdf.html", "/a/print", "/b/c/print", "/doc.pdf"):
        server.expect_request(path).respond_with_data("body", content_type="text/plain")
    assert fetcher.get(server.url_for("/a/story")).text == "body"
    assert fetcher.get(server.url_for("/a/story.pdf.html")).text == "body"
    for path in ("/a/print", "/b/c/print", "/doc.pdf"):
        with pytest.raises(FetchError, match="disallowed by .*/robots.txt"):
            fetcher.get(server.url_for(path))
    fetched = {req.path for req, _ in server.log}
    assert fetched == {"/robots.txt", "/a/story", "/a/story.pdf.html"}


def test_robots_txt_server_error_means_keep_out(httpserver_ipv4: HTTPServer, fetcher) -> None:
    httpserver_ipv4.expect_request("/robots.txt").respond_with_data("down", status=503)
    with pytest.raises(FetchError, match="robots.txt answered HTTP 503"):
        fetcher.get(httpserver_ipv4.url_for("/page"))


def test_get_many_keeps_order_and_returns_errors(server: HTTPServer, fetcher: Fetcher) -> None:
    for name in ("one", "two", "three"):
        server.expect_request(f"/{name}").respond_with_data(name, content_type="text/plain")
    urls = [server.url_for(p) for p in ("/one", "/missing", "/two", "/three")]
    results = list(fetcher.get_many(urls))
    assert [u for u, _ in results] == urls
    assert [r.text if not isinstance(r, FetchError) else r.reason for _, r in results] == [
        "one",
        "HTTP 404",
        "two",
        "three",
    ]


def test_per_host_limit_caps_concurrent_requests() -> None:
    """Six pages on one host with per_host=2: never more than two in flight at once."""
    state = {"now": 0, "peak": 0}
    lock, two_in = threading.Lock(), threading.Event()

    def page(_: Request) -> Response:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
            if state["now"] >= 2:
                two_in.set()
        two_in.wait(5)  # hold the slot until a second request is in flight (bounded)
        with lock:
            state["now"] -= 1
        return Response("ok", content_type="text/plain")

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request("/p").respond_with_handler(page)
    server.start()
    try:
        options = FetchOptions(per_host=2, total=6, timeout=10)
        with Fetcher(UA, options) as fetcher:
            fetcher.guard.allow_only([server.url_for("/")])
            results = list(fetcher.get_many([server.url_for(f"/p?n={n}") for n in range(6)]))
    finally:
        server.stop()
    assert all(not isinstance(r, FetchError) for _, r in results)
    assert state["peak"] == 2


def test_transport_seam_runs_the_real_client_on_canned_responses() -> None:
    def canned(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(
            200, content="Гродна".encode("cp1251"), headers={"content-type": "text/plain"}
        )

    with Fetcher(UA, transport=httpx.MockTransport(canned)) as fetcher:
        assert fetcher.get("https://news.example.by/a").text == "Гродна"


def test_a_name_that_does_not_exist_is_not_retried_but_a_passing_dns_failure_is():
    from digest.fetch.records import unknown_host

    def wrapped(errno: int) -> httpx.ConnectError:
        try:
            try:
                raise socket.gaierror(errno, "lookup failed")
            except socket.gaierror as inner:
                raise httpx.ConnectError(str(inner)) from inner
        except httpx.ConnectError as outer:
            return outer

    assert unknown_host(wrapped(socket.EAI_NONAME))
    assert not unknown_host(wrapped(socket.EAI_AGAIN))
    assert not unknown_host(httpx.ConnectError("connection refused"))


def test_internal_hosts_are_refused_before_robots_and_on_every_redirect(
    server: HTTPServer, fetcher: Fetcher
) -> None:
    other = socket.socket()
    other.bind(("127.0.0.1", 0))
    port = other.getsockname()[1]
    try:
        target = f"http://127.0.0.1:{port}/admin"
        server.expect_request("/hop").respond_with_data(
            "", status=302, headers={"Location": target}
        )
        with pytest.raises(
            FetchError, match=rf"refused {target}: it reaches 127.0.0.1, a loopback"
        ):
            fetcher.get(server.url_for("/hop"))
        with pytest.raises(FetchError, match=r"^http://localhost:\d+/x: refused") as caught:
            fetcher.get(f"http://localhost:{server.port}/x")
        assert "robots" not in str(caught.value)
    finally:
        other.close()
    assert [req.path for req, _ in server.log] == ["/robots.txt", "/hop"]


def test_a_rebound_name_is_caught_at_the_connected_address(server: HTTPServer, fetcher: Fetcher):
    from digest.fetch.guard import AddressGuard

    class Rebound(AddressGuard):
        """A name whose first lookup said 'public' and whose connection lands on loopback."""

        def check_url(self, url: str, asked: str) -> None:
            return None

    fetcher.guard = Rebound()
    server.expect_request("/x").respond_with_data("internal text")
    with pytest.raises(FetchError, match=r"refused .*/x: it reaches 127.0.0.1, a loopback"):
        fetcher.get(server.url_for("/x"), feed=True)
    assert server.log == []  # cut after connecting, before the request was sent
