"""Reading the Argo Server's streams: server-sent events and JSON lines."""

from __future__ import annotations

import pytest

from argo_trigger.follow.stream import (
    KEEP_ALIVE,
    StreamBroken,
    StreamError,
    lines,
    messages,
)


def test_lines_are_joined_across_chunks_and_lose_their_line_ends() -> None:
    chunks = [b"da", b"ta: 1\r\n\r", b"\n: \n", b"tail"]

    assert list(lines(chunks)) == [b"data: 1", b"", b": ", b"tail"]


def test_server_sent_events_give_each_result_and_mark_keep_alives() -> None:
    chunks = [
        b'data: {"result":{"type":"ADDED","object":{"n":1}}}\n\n',
        b":\n",
        b'data: {"result":{"type":"MODIFIED","object":{"n":2}}}\n\n',
    ]

    found = list(messages(chunks))

    assert found == [
        {"type": "ADDED", "object": {"n": 1}},
        KEEP_ALIVE,
        {"type": "MODIFIED", "object": {"n": 2}},
    ]


def test_newline_delimited_json_is_read_the_same_way() -> None:
    chunks = [b'{"result":{"content":"a","podName":"p"}}\n{"result":', b"{}}\n"]

    assert list(messages(chunks)) == [{"content": "a", "podName": "p"}, KEEP_ALIVE]


def test_the_servers_eof_error_is_a_stream_error_that_asks_to_reconnect() -> None:
    chunks = [b'data: {"error":{"grpc_code":8,"http_code":429,"message":"EOF"}}\n\n']

    with pytest.raises(StreamError) as caught:
        list(messages(chunks))

    assert caught.value.is_eof
    assert caught.value.grpc_code == 8
    assert caught.value.http_code == 429


def test_another_stream_error_is_not_taken_for_eof() -> None:
    chunks = [b'{"error":{"grpc_code":7,"message":"forbidden"}}\n']

    with pytest.raises(StreamError) as caught:
        list(messages(chunks))

    assert not caught.value.is_eof
    assert caught.value.message == "forbidden"


def test_a_line_that_is_not_json_breaks_the_stream() -> None:
    with pytest.raises(StreamBroken, match="not JSON"):
        list(messages([b"<html>502 Bad Gateway</html>\n"]))


def test_event_names_and_ids_of_server_sent_events_are_skipped() -> None:
    chunks = [b"event: message\nid: 7\nretry: 100\n", b'data: {"result":{"a":1}}\n\n']

    assert list(messages(chunks)) == [{"a": 1}]
