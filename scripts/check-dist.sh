#!/usr/bin/env bash
# Checks the output of `make dist`:
#   scripts/check-dist.sh DIR VERSION OS/ARCH...
# For each platform: dist/voximplant_exporter-VERSION.OS-ARCH[.exe] exists,
# was built for that GOOS/GOARCH with CGO_ENABLED=0 and -trimpath (from
# `go version -m`) and carries VERSION (--version where it runs); sha256sums.txt lists exactly these files and
# `sha256sum -c` accepts it. Exits non-zero naming every problem found.
set -euo pipefail

if [ $# -lt 3 ]; then
	echo "usage: $0 DIR VERSION OS/ARCH..." >&2
	exit 2
fi
dir=$1 version=$2
shift 2
go=${GO:-go}
fail=0
problem() { echo "check-dist: $*" >&2; fail=1; }

want=()
for p in "$@"; do
	os=${p%/*} arch=${p#*/} ext=
	[ "$os" = windows ] && ext=.exe
	name=voximplant_exporter-$version.$os-$arch$ext
	want+=("$name")
	f=$dir/$name
	if [ ! -s "$f" ]; then
		problem "$f is missing or empty"
		continue
	fi
	if ! info=$("$go" version -m "$f" 2>&1); then
		problem "$f: go version -m: $info"
		continue
	fi
	for setting in "GOOS=$os" "GOARCH=$arch" "CGO_ENABLED=0" "-trimpath=true"; do
		grep -qF -- "build	$setting" <<<"$info" || problem "$f: not built with $setting"
	done
	# -trimpath leaves -ldflags out of the build info: look for the
	# version string itself, and ask the binary that runs here.
	grep -qaF -- "$version" "$f" || problem "$f: does not contain the version $version (-ldflags -X)"
	if [ "$os/$arch" = "$("$go" env GOOS)/$("$go" env GOARCH)" ]; then
		v=$("$f" --version 2>&1) || problem "$f --version failed: $v"
		grep -qF -- "version $version " <<<"$v" || problem "$f --version says [$v], want version $version"
	fi
done

sums=$dir/sha256sums.txt
if [ ! -s "$sums" ]; then
	problem "$sums is missing or empty"
else
	listed=$(awk '{print $2}' "$sums" | sed 's/^\*//' | sort)
	expected=$(printf '%s\n' "${want[@]}" | sort)
	[ "$listed" = "$expected" ] || problem "$sums lists [$(echo $listed)], want [$(echo $expected)]"
	(cd "$dir" && sha256sum --quiet -c sha256sums.txt) || problem "$sums: sha256sum -c failed"
fi

if [ "$fail" -ne 0 ]; then
	exit 1
fi
echo "check-dist: ${#want[@]} binaries and sha256sums.txt OK in $dir"
