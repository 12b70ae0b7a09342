"""Follow through after an event or a submit: find, wait, stream logs.

    from argo_trigger.follow import Console, Options, follow

    console = Console(sys.stderr, live=sys.stderr.isatty())
    last = follow(client, "argo", ["build-x7k2p"], console, Options(log=True))

`discover` finds the workflows an event created, `watch` follows them
through the server's watch stream, `logs` streams their pods' logs,
`progress` shows how far they are, `stream` reads the server's streams and
`session` ties these together for one wait.
"""

from argo_trigger.follow.progress import Console, Progress, snapshot
from argo_trigger.follow.session import ON_ABORT, Options, abort, follow
from argo_trigger.follow.watch import Follower, is_finished

__all__ = [
    "ON_ABORT",
    "Console",
    "Follower",
    "Options",
    "Progress",
    "abort",
    "follow",
    "is_finished",
    "snapshot",
]
