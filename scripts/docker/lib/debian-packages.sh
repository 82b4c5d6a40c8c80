# Installing Debian packages from the machine's own apt sources.
# Needs: lib/log.sh sourced first.

_apt_lists_fresh=no

# Runs `apt-get update` at most once per script run.
apt_update_once() {
  if [ "$_apt_lists_fresh" = no ]; then
    note "apt-get update"
    apt-get update -qq >&2 || fail "apt-get update failed (see the output above)"
    _apt_lists_fresh=yes
  fi
}

is_package_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# Installs those of the named packages that are missing; updates the package
# lists only when something has to be installed.
ensure_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    is_package_installed "$pkg" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || fail "missing Debian packages ${missing[*]}: run this script as root so it can install them"
  apt_update_once
  note "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || fail "apt-get install ${missing[*]} failed (see the output above)"
}

# The Debian mirror this machine's apt uses for a suite (default bookworm),
# e.g. http://deb.debian.org/debian/ for bookworm or
# http://deb.debian.org/debian-security/ for bookworm-security. Read from
# apt's own view of its sources, so one-line .list and deb822 .sources count.
debian_mirror_uri() {
  local suite=${1:-bookworm} uri
  _mirror_of() {
    apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 2>/dev/null \
      | awk -v suite="$1" '$2 == suite { print $1; exit }'
  }
  uri=$(_mirror_of "$suite")
  if [ -z "$uri" ]; then
    # apt lists only sources whose index it has downloaded.
    apt_update_once
    uri=$(_mirror_of "$suite")
  fi
  [ -n "$uri" ] || fail "no apt source for Debian $suite in /etc/apt/sources.list or /etc/apt/sources.list.d: cannot tell which Debian mirror to use"
  printf '%s\n' "$uri"
}

# Downloads a package's .deb into a directory without installing it, and
# prints the file's path. Updates the package lists only if apt cannot find it.
download_debian_package() {
  local pkg=$1 dir=$2 deb
  mkdir -p "$dir"
  if ! (cd "$dir" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >&2 2>/dev/null); then
    apt_update_once
    (cd "$dir" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >&2) \
      || fail "apt-get download $pkg failed (see above)"
  fi
  deb=$(ls -1 "$dir"/"${pkg}"_*.deb 2>/dev/null | head -n 1)
  [ -n "$deb" ] || fail "apt-get download $pkg left no ${pkg}_*.deb in $dir"
  printf '%s\n' "$deb"
}
