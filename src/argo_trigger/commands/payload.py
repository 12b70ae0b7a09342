"""`argo-trigger payload`: print the event payload this CI job would send."""

from __future__ import annotations

import json
import os

from argo_trigger import ci, config
from argo_trigger.cli import Run, options_from
from argo_trigger.params import load_params_file, parse_pairs, parse_params_text
from argo_trigger.payload import build_payload, validate_event_id

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings
if TYPE_CHECKING:
    from typing import Any


def run(run: Run) -> int:
    """Print the payload as indented JSON."""
    run.out(json.dumps(payload_from_args(run), indent=2, ensure_ascii=False))
    return 0


def payload_from_args(run: Run) -> dict[str, Any]:
    """Build the payload from the CI environment and the payload flags.

    Raises UsageError for a malformed --param, --params-file or --event-id.
    """
    args = run.args
    params: dict[str, str] = {}
    if run.env.get("ARGO_TRIGGER_PARAMS", "").strip():
        text = run.env["ARGO_TRIGGER_PARAMS"]
        params.update(parse_params_text(text, "ARGO_TRIGGER_PARAMS"))
    for path in args.params_file:
        params.update(load_params_file(path))
    params.update(parse_pairs(args.param, flag="--param"))

    event_id = validate_event_id(args.event_id) if args.event_id else None
    namespace = config.resolve_namespace(options_from(args), run.env)
    context = ci.detect(run.env, os.getcwd())
    return build_payload(
        context,
        namespace=namespace,
        discriminator=discriminator(run),
        params=params,
        event_key=args.event_key or run.env.get("ARGO_TRIGGER_EVENT_KEY") or None,
        event_id=event_id,
    )


def discriminator(run: Run) -> str:
    """--discriminator, then ARGO_TRIGGER_DISCRIMINATOR, then empty."""
    if run.args.discriminator is not None:
        return str(run.args.discriminator)
    return run.env.get("ARGO_TRIGGER_DISCRIMINATOR", "")
