# Messages for the scripts in scripts/docker: progress goes to stderr so that
# stdout stays free for results a caller may parse.

note() { printf '%s\n' "$*" >&2; }

fail() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}
