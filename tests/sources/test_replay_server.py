"""The replay server other tests rely on: routing by query, times, etag, delay, hits, 404."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.replay_server import ReplayServer


def test_routes_fall_through_after_times_and_match_query() -> None:
    with ReplayServer() as server, httpx.Client(base_url=server.url) as client:
        server.add("GET", "/x", "first", status=500, times=2)
        server.add("GET", "/x", "page two", query={"page": "2"})
        server.add("GET", "/x", "then ok")
        assert [client.get("/x").status_code for _ in range(2)] == [500, 500]
        assert client.get("/x").text == "then ok"
        assert client.get("/x", params={"page": "2"}).text == "page two"
        assert client.get("/nowhere").status_code == 404
        hits = server.hits("/x")
        assert len(hits) == 4 and hits[-1].param("page") == "2"
        assert len(server.hits()) == 5


def test_etag_callable_body_and_post() -> None:
    with ReplayServer() as server, httpx.Client(base_url=server.url) as client:
        server.add("GET", "/feed", "v1", etag='"a"')
        server.add("POST", "/echo", lambda hit: hit.body[::-1])
        first = client.get("/feed")
        assert first.headers["etag"] == '"a"'
        assert client.get("/feed", headers={"If-None-Match": '"a"'}).status_code == 304
        assert client.post("/echo", content=b"abc").content == b"cba"
        assert server.hits("/echo")[0].method == "POST"


def test_add_file_serves_bytes_with_charset(tmp_path: object) -> None:

    path = Path(str(tmp_path)) / "page.html"
    path.write_bytes("<p>监护仪</p>".encode("gb18030"))
    with ReplayServer() as server, httpx.Client(base_url=server.url) as client:
        server.add_file("/p", path, encoding="gb18030")
        response = client.get("/p")
        assert response.headers["content-type"] == "text/html; charset=gb18030"
        assert response.content == path.read_bytes()


def test_delay_is_applied() -> None:
    with ReplayServer() as server, httpx.Client(base_url=server.url, timeout=0.05) as client:
        server.add("GET", "/slow", "late", delay=0.3)
        with pytest.raises(httpx.TimeoutException):
            client.get("/slow")
