# The project's download/build cache (shared with scripts/node-runtimes.ts).
custom_otel_cache_dir() {
  printf '%s\n' "${CUSTOM_OTEL_CACHE_DIR:-$HOME/.cache/custom-otel-nodejs}"
}
