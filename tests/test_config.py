"""Configuration layering: flag, then the argo CLI's environment, then defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from argo_trigger import masking
from argo_trigger.config import Options, authorization, base_url, resolve
from argo_trigger.errors import ConfigError, UsageError


def test_no_server_anywhere_is_a_config_error_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="ARGO_SERVER"):
        resolve(Options(), env={})


def test_host_port_means_https_by_default() -> None:
    settings = resolve(Options(), env={"ARGO_SERVER": "argo.example.com:2746"})
    assert settings.base_url == "https://argo.example.com:2746"


def test_argo_secure_false_means_plain_http() -> None:
    env = {"ARGO_SERVER": "localhost:2746", "ARGO_SECURE": "false"}
    assert resolve(Options(), env=env).base_url == "http://localhost:2746"


def test_secure_flag_beats_the_environment() -> None:
    env = {"ARGO_SERVER": "localhost:2746", "ARGO_SECURE": "false"}
    assert resolve(Options(secure=True), env=env).base_url.startswith("https://")


def test_a_full_url_keeps_its_scheme_whatever_argo_secure_says() -> None:
    env = {"ARGO_SERVER": "http://argo:2746", "ARGO_SECURE": "true"}
    assert resolve(Options(), env=env).base_url == "http://argo:2746"


def test_server_flag_beats_argo_server() -> None:
    env = {"ARGO_SERVER": "http://env:1"}
    assert resolve(Options(server="http://flag:2"), env=env).base_url == "http://flag:2"


@pytest.mark.parametrize(
    ("server", "href", "expected"),
    [
        ("https://h", "/argo/", "https://h/argo"),
        ("https://h", "argo", "https://h/argo"),
        ("https://h/", "", "https://h"),
        ("https://h/proxy", "/argo", "https://h/proxy/argo"),
        ("h:443", "/a/b/", "https://h:443/a/b"),
    ],
)
def test_base_href_is_kept_as_a_path_prefix(
    server: str, href: str, expected: str
) -> None:
    assert base_url(server, secure=True, base_href=href) == expected


def test_api_paths_are_appended_after_the_prefix_never_replacing_it() -> None:
    env = {"ARGO_SERVER": "https://h", "ARGO_BASE_HREF": "/argo/"}
    settings = resolve(Options(), env=env)
    assert settings.url("api", "v1", "events", "ns", "") == (
        "https://h/argo/api/v1/events/ns/"
    )


def test_path_segments_are_percent_encoded_one_by_one() -> None:
    settings = resolve(Options(server="http://h"), env={})
    assert settings.url("api", "v1", "events", "ns", "a b?") == (
        "http://h/api/v1/events/ns/a%20b%3F"
    )


@pytest.mark.parametrize("server", ["ftp://h", "http://", "https://h?x=1"])
def test_malformed_servers_are_usage_errors(server: str) -> None:
    with pytest.raises(UsageError):
        resolve(Options(server=server), env={})


@pytest.mark.parametrize(
    ("token", "header"),
    [
        ("abc.def", "Bearer abc.def"),
        ("Bearer abc.def", "Bearer abc.def"),
        ("bearer   abc.def  ", "Bearer abc.def"),
        ("Basic dXNlcjpwYXNz", "Basic dXNlcjpwYXNz"),
        ("", None),
        (None, None),
    ],
)
def test_tokens_are_sent_with_exactly_one_bearer(
    token: str | None, header: str | None
) -> None:
    assert authorization(token) == header


def test_token_flag_beats_token_file_beats_argo_token(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("from-file\n")
    env = {"ARGO_SERVER": "http://h", "ARGO_TOKEN": "from-env"}
    assert resolve(Options(), env=env).authorization == "Bearer from-env"
    with_file = Options(token_file=str(token_file))
    assert resolve(with_file, env=env).authorization == "Bearer from-file"
    with_flag = Options(token="from-flag", token_file=str(token_file))
    assert resolve(with_flag, env=env).authorization == "Bearer from-flag"


def test_an_unreadable_token_file_is_a_config_error(tmp_path: Path) -> None:
    options = Options(server="http://h", token_file=str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="token file"):
        resolve(options, env={})


def test_tokens_read_from_anywhere_are_registered_for_masking(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("file-secret-value")
    resolve(Options(server="http://h", token_file=str(token_file)), env={})
    resolve(Options(server="http://h"), env={"ARGO_TOKEN": "Bearer env-secret-value"})
    line = masking.mask("file-secret-value and env-secret-value")
    assert line == "*** and ***"


def test_namespace_defaults_to_argo_and_follows_argo_namespace() -> None:
    assert resolve(Options(server="http://h"), env={}).namespace == "argo"
    env = {"ARGO_NAMESPACE": "ci"}
    assert resolve(Options(server="http://h"), env=env).namespace == "ci"
    assert resolve(Options(server="http://h", namespace="x"), env=env).namespace == "x"


def test_insecure_skip_verify_only_for_the_word_true() -> None:
    def verify(value: str) -> object:
        env = {"ARGO_SERVER": "h:1", "ARGO_INSECURE_SKIP_VERIFY": value}
        return resolve(Options(), env=env).verify

    assert verify("true") is False
    assert verify("TRUE") is False
    assert verify("1") is True
    assert verify("false") is True


def test_ca_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--ca-file"):
        resolve(Options(server="h:1", ca_file=str(tmp_path / "none.pem")), env={})
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    assert resolve(Options(server="h:1", ca_file=str(ca)), env={}).verify == str(ca)


def test_client_key_without_cert_is_a_usage_error(tmp_path: Path) -> None:
    key = tmp_path / "k.pem"
    key.write_text("x")
    with pytest.raises(UsageError, match="--client-cert"):
        resolve(Options(server="h:1", client_key=str(key)), env={})


@pytest.mark.parametrize(
    ("raw", "seconds"), [("30", 30.0), ("2.5", 2.5), ("90s", 90.0), ("5m", 300.0)]
)
def test_request_timeout_from_the_environment(raw: str, seconds: float) -> None:
    env = {"ARGO_SERVER": "h:1", "ARGO_TRIGGER_REQUEST_TIMEOUT": raw}
    assert resolve(Options(), env=env).request_timeout == seconds


@pytest.mark.parametrize("raw", ["0", "-1", "soon", "inf", "nan"])
def test_bad_timeouts_are_usage_errors(raw: str) -> None:
    with pytest.raises(UsageError, match="duration"):
        resolve(
            Options(), env={"ARGO_SERVER": "h:1", "ARGO_TRIGGER_REQUEST_TIMEOUT": raw}
        )
