#!/usr/bin/env bash
# The programs of scripts/programs.list:
#   programs.sh install   apt-get installs the Debian packages of the rows whose check fails
#                         (a missing program, or one that is not what we need)
#   programs.sh check     runs every row's check; fails naming each program that does not answer
#                         and the package that provides it
# `npm` rows are node_modules' own (scripts/install-deps.sh installs them); check still runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
LIST=scripts/programs.list

log() { printf '[programs %s] %s\n' "$(date +%T)" "$*" >&2; }
rows() { grep -v '^[[:space:]]*\(#\|$\)' "$LIST"; }
answers() { timeout 60 bash -c "$1" </dev/null >/dev/null 2>&1; }

cmd_install() {
  local program provider check missing=()
  while read -r program provider check; do
    [ "$provider" = npm ] && continue
    answers "$check" || missing+=("$provider")
  done < <(rows)
  [ ${#missing[@]} -eq 0 ] && return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  [ "$(id -u)" = 0 ] || { log "ERROR: installing ${missing[*]} needs root. Run: sudo apt-get install -y ${missing[*]}"; exit 1; }
  log "installing ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { log "ERROR: apt-get install ${missing[*]} failed"; exit 1; }
}

cmd_check() {
  local program provider check failed=()
  while read -r program provider check; do
    answers "$check" || failed+=("$program (from $provider)")
  done < <(rows)
  [ ${#failed[@]} -eq 0 ] && return 0
  log "ERROR: these programs do not answer: ${failed[*]}"
  log "Install them with: bash scripts/programs.sh install   (npm test runs it; npm rows: bash scripts/install-deps.sh)"
  exit 1
}

case "${1:-}" in
  install) cmd_install ;;
  check) cmd_check ;;
  *) echo "usage: $0 install|check" >&2; exit 2 ;;
esac
