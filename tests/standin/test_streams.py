"""The hook for streaming endpoints: a handler may answer with a Stream."""

from __future__ import annotations

import requests

from argo_trigger.standin.routing import Call, Route, Writer
from tests.standin.standin_helpers import CI_TOKEN, make_standin


class Lines:
    """Three JSON lines, each sent as it is written."""

    def headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json"}

    def write(self, out: Writer) -> None:
        for number in range(3):
            out.write(b'{"result":{"n":%d}}\n' % number)


def stream(call: Call) -> Lines:
    return Lines()


def test_a_stream_handler_is_sent_chunk_by_chunk_after_auth() -> None:
    with make_standin() as srv:
        srv.routes.insert(0, Route("GET", "/api/v1/test-stream/{namespace}", stream))
        url = srv.url + "/api/v1/test-stream/argo"
        refused = requests.get(url, timeout=5)
        response = requests.get(
            url, headers={"Authorization": f"Bearer {CI_TOKEN}"}, stream=True, timeout=5
        )
        lines = list(response.iter_lines())

    assert refused.status_code == 401
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert response.headers["Grpc-Metadata-Argo-Version"] == "v4.1.2"
    assert lines == [
        b'{"result":{"n":0}}',
        b'{"result":{"n":1}}',
        b'{"result":{"n":2}}',
    ]
