"""One module per command; each has `run(run: cli.Run) -> int`.

A command's module is imported only once the command line knows which command
runs, so the offline commands never import an HTTP stack.
"""
