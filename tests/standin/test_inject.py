"""inject(): scripted answers for retry and timeout tests."""

from __future__ import annotations

import threading

import pytest
import requests

from argo_trigger.standin import Standin
from tests.standin.standin_helpers import Client

EVENT = "/api/v1/events/argo/ci"


def test_an_injected_answer_replaces_the_real_one(
    standin: Standin, client: Client
) -> None:
    standin.inject(
        r"/events/",
        status=503,
        body={"code": 14, "message": "operation queue full"},
        headers={"Retry-After": "2"},
    )

    response = client.post(EVENT, json={"a": 1})

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.json() == {"code": 14, "message": "operation queue full"}
    assert standin.events == []


def test_an_injection_is_used_up_after_its_times(
    standin: Standin, client: Client
) -> None:
    standin.inject(r"/events/", status=429, times=2)

    statuses = [client.post(EVENT, json={}).status_code for _ in range(3)]

    assert statuses == [429, 429, 200]
    assert len(standin.events) == 1


def test_an_injection_only_touches_matching_paths(
    standin: Standin, client: Client
) -> None:
    standin.inject(r"/workflows/", status=500)

    assert client.get("/api/v1/version").status_code == 200
    assert client.get("/api/v1/workflows/argo").status_code == 500


def test_injected_answers_are_recorded(standin: Standin, client: Client) -> None:
    standin.inject(r"/events/", status=500, body={"code": 13, "message": "boom"})

    client.post(EVENT, json={})

    assert standin.requests[-1].status == 500


def test_a_delayed_answer_makes_a_client_time_out(standin: Standin) -> None:
    standin.inject(r"/version", status=200, body={}, delay=5.0)

    with pytest.raises(requests.ReadTimeout):
        requests.get(standin.url + "/api/v1/version", timeout=0.3)


def test_a_delayed_answer_arrives_after_the_delay(standin: Standin) -> None:
    standin.inject(r"/version", status=200, body={"late": True}, delay=0.2)

    response = requests.get(standin.url + "/api/v1/version", timeout=10)

    assert response.json() == {"late": True}


def test_stop_cuts_a_pending_delay_short() -> None:
    srv = Standin([])
    url = srv.start()
    srv.inject(r".", status=200, body={}, delay=60.0)
    outcome: list[str] = []

    def wait_for_answer() -> None:
        try:
            requests.get(url + "/api/v1/version", timeout=60)
            outcome.append("answered")
        except requests.ConnectionError:
            outcome.append("closed")

    waiting = threading.Thread(target=wait_for_answer)
    waiting.start()
    # Give the request time to reach the server and start its delay.
    threading.Event().wait(0.3)

    srv.stop()
    waiting.join(timeout=10)

    assert not waiting.is_alive()
    assert outcome in (["answered"], ["closed"])
