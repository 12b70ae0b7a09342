"""`argo-trigger standin`: serve a stand-in Argo Server on 127.0.0.1 for trials."""

from __future__ import annotations

import json
import secrets
import signal
from pathlib import Path
from types import FrameType

from argo_trigger.cli import Run, output_format
from argo_trigger.errors import UsageError
from argo_trigger.standin import serve_forever
from argo_trigger.standin.lifecycle import Script, Step


def run(run: Run) -> int:
    """Serve until interrupted; print the URL and the token once listening."""
    args = run.args
    token = getattr(args, "token", None) or secrets.token_urlsafe(24)
    namespace = getattr(args, "namespace", None) or run.env.get(
        "ARGO_NAMESPACE", "argo"
    )

    def ready(url: str) -> None:
        if output_format(args) == "json":
            run.stdout.write(json.dumps({"url": url, "token": token}) + "\n")
        else:
            run.stdout.write(
                f"stand-in Argo Server (not Argo Workflows) on {url}\n"
                f"  export ARGO_SERVER={url} ARGO_TOKEN={token}"
                f" ARGO_NAMESPACE={namespace}\n"
            )
        run.stdout.flush()
        if args.url_file:
            _write_url_file(args.url_file, url, token)

    signal.signal(signal.SIGTERM, _interrupt)
    serve_forever(
        script=_script(args.run_seconds, args.outcome),
        port=args.port,
        manifests=[Path(p) for p in args.manifests],
        token=token,
        base_href=getattr(args, "base_href", None) or "",
        namespace=namespace,
        on_ready=ready,
    )
    return 0


def _script(seconds: float, outcome: str) -> Script:
    """What every workflow does: one step that logs, runs, and ends as told."""
    lines = ["stand-in step started", f"ending {outcome} after {seconds:g}s"]
    message = "" if outcome == "Succeeded" else f"the stand-in ends it {outcome}"
    step = Step("main", seconds=seconds, phase=outcome, message=message, logs=lines)
    return Script([step])


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # SIGTERM (from a CI runner or `kill`) ends the server as Ctrl-C does.
    raise KeyboardInterrupt


def _write_url_file(path: str, url: str, token: str) -> None:
    try:
        Path(path).write_text(f"{url} {token}\n", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write --url-file {path}: {error.strerror}") from None
