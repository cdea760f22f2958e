# tools/deps.sh - sourced by tools/setup and tools/test: install missing Debian packages.
# Usage: need_packages PKG...   (apt-get only runs when something is missing)
need_packages() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "almanac: installing:$missing" >&2
	if [ "$(id -u)" -ne 0 ]; then
		SUDO=sudo
	else
		SUDO=
	fi
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
}

BUILD_PACKAGES="gcc libc6-dev meson ninja-build pkg-config git python3 ca-certificates \
libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev libpcre2-dev libgit2-dev \
libmicrohttpd-dev libstemmer-dev libgumbo-dev libxxhash-dev libunistring-dev"
TEST_PACKAGES="libcmocka-dev chromium valgrind nginx mmdebstrap groff-base python3-yaml hugo mkdocs python3-pymdownx"
# tools/package: dpkg-shlibdeps computes the package's Depends
PACKAGE_PACKAGES="dpkg-dev"

# Node.js and npm for the browser tests: Debian's packages unless the machine
# already has a node and npm (for instance from NodeSource, which conflicts with Debian's npm).
need_node() {
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
	need_packages nodejs npm
}
