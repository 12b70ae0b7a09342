#!/bin/sh
# Runs the argo-trigger command line for the Jenkins steps argoEvent,
# argoSubmit and argoWait. The steps hand over every value in the environment
# and never on a command line, so nothing a pipeline passes in is ever parsed
# by a shell.
#
# Usage: sh run.sh event|submit|wait
#
# Set by the step:
#   ARGO_TRIGGER_CALL_DIR    this call's folder; the results are written there
#   ARGO_TRIGGER_HOME        where installed copies of argo-trigger are kept
#   ARGO_TRIGGER_EXECUTABLE  an argo-trigger already on the agent, or else
#   ARGO_TRIGGER_INSTALL     the pip requirement to install and run
#   ARGO_TRIGGER_TEMPLATE    submit: NAME, or KIND/NAME, of the template
#   ARGO_TRIGGER_NAMES       wait: the workflow names, one a line
#   ARGO_TRIGGER_LIVE        true: argo-trigger follows workflows, so its
#                            progress and their logs are shown as they come
# argo-trigger reads every other value from the environment itself: the
# connection (ARGO_SERVER, ARGO_TOKEN, ARGO_NAMESPACE, ...), the event's
# ARGO_TRIGGER_DISCRIMINATOR and ARGO_TRIGGER_PARAMS, the workflow's
# ARGO_TRIGGER_PARAMETERS, and the wait's ARGO_TRIGGER_WAIT, _LOG, _TIMEOUT,
# _ON_ABORT and _DISCOVER_TIMEOUT.
#
# Writes into ARGO_TRIGGER_CALL_DIR: stdout (the `-o json` result), stderr and
# result.env (the dotenv result). Exits with argo-trigger's status, or 1 when
# argo-trigger could not be found or installed.
set -eu

command=$1
call_dir=$ARGO_TRIGGER_CALL_DIR
errors=$call_dir/stderr
executable=

fail() {
  printf 'argo-trigger: error: %s\n' "$*" >"$errors"
  exit 1
}

use_given_executable() {
  executable=$ARGO_TRIGGER_EXECUTABLE
  case $executable in
    */*) [ -f "$executable" ] && [ -x "$executable" ] ;;
    *) command -v "$executable" >/dev/null 2>&1 ;;
  esac || fail "executable '$executable' is not a program on this agent;" \
    "give the path of an installed argo-trigger, or leave executable out"
}

install() {
  spec=$ARGO_TRIGGER_INSTALL
  key=$(printf '%s' "$spec" | cksum | cut -d ' ' -f 1)
  link=$ARGO_TRIGGER_HOME/venv-$key
  executable=$link/bin/argo-trigger
  if [ -x "$executable" ]; then
    return
  fi

  command -v python3 >/dev/null 2>&1 ||
    fail "python3 is not on this agent's PATH: install Python 3.10 or later," \
      "or give the step the executable of an installed argo-trigger"
  mkdir -p "$ARGO_TRIGGER_HOME"
  target=$(mktemp -d "$link.XXXXXX")
  echo "argo-trigger: installing $spec into $target"
  python3 -m venv "$target" ||
    fail "python3 could not create a virtual environment" \
      "(on Debian and Ubuntu, install python3-venv)"
  "$target/bin/python" -m pip install --quiet --disable-pip-version-check \
    "$spec" || fail "pip could not install '$spec'; its messages are above"

  # Parallel branches may install the same requirement at once: the first
  # link made wins, and the other copies are removed.
  ln -s "$target" "$link" 2>/dev/null || rm -rf "$target"
}

if [ -n "${ARGO_TRIGGER_EXECUTABLE:-}" ]; then
  use_given_executable
else
  install
fi

set -- --output=json "$command"
case $command in
  event) ;;
  submit)
    # --from=VALUE keeps a name that starts with '-' from reading as a flag.
    template=${ARGO_TRIGGER_TEMPLATE:-}
    case $template in
      '') fail "submit needs ARGO_TRIGGER_TEMPLATE, the template to submit" ;;
      */*) set -- "$@" "--from=$template" ;;
      *) set -- "$@" "--from=workflowtemplate/$template" ;;
    esac
    ;;
  wait)
    # After '--' every name stays a name, even one that starts with '-'.
    names=${ARGO_TRIGGER_NAMES:-}
    [ -n "$names" ] || fail "wait needs ARGO_TRIGGER_NAMES, the workflows"
    set -- "$@" --
    newline='
'
    set -f
    old_ifs=$IFS
    IFS=$newline
    for name in $names; do
      set -- "$@" "$name"
    done
    IFS=$old_ifs
    set +f
    ;;
  *)
    fail "run.sh knows the commands event, submit and wait, not '$command'"
    ;;
esac

export ARGO_TRIGGER_DOTENV="$call_dir/result.env"
if [ "${ARGO_TRIGGER_LIVE:-}" != true ]; then
  status=0
  "$executable" "$@" >"$call_dir/stdout" 2>"$errors" || status=$?
  exit "$status"
fi

# A wait can run for hours: its messages go to the build log as they come,
# and into the stderr file for the step. When the build is aborted, Jenkins
# sends SIGTERM to every process of the step at once; tee ignores it and
# lives on until argo-trigger, which stops or terminates the workflows as
# asked, has written its last line.
status_file=$call_dir/status
{
  "$executable" "$@" 2>&1 >"$call_dir/stdout" || echo "$?" >"$status_file"
} | (trap '' TERM INT && exec tee "$errors") >&2
if [ -f "$status_file" ]; then
  exit "$(cat "$status_file")"
fi
