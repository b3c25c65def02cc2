#!/usr/bin/env bash
# Start-up CPU of short commands (issue 14): for each binary given (default
# bin/kubectl-hnp), the CPU (user+sys) and minor page faults per invocation of
# `version`, `__complete list ""`, `completion bash` and `list --source git` on
# the sample fabric, from /usr/bin/time over 20 invocations, the median of 5
# such loops. Give two binaries to compare them in one run, e.g. one built
# from an earlier commit.
set -euo pipefail
cd "$(dirname "$0")/.."
bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=(bin/kubectl-hnp)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The sample fabric as a Git working tree; caches and config kept apart.
cp -r testdata/sample-fabric "$work/repo"
git -C "$work/repo" init -q
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=bench -c user.email=bench@example.com commit -qm sample
export HOME="$work/home" XDG_CACHE_HOME="$work/cache" XDG_CONFIG_HOME="$work/config"
mkdir -p "$HOME"

measure() { # bin name args...
	local bin=$1 name=$2
	shift 2
	for _ in 1 2 3 4 5; do
		/usr/bin/time -f "%U %S %R" bash -c 'for i in $(seq 20); do "$@" >/dev/null 2>&1; done' _ "$bin" "$@" 2>&1 |
			awk '{printf "%.1f %d\n", ($1+$2)*1000/20, $3/20}'
	done | sort -n | sed -n 3p | awk -v n="$name" '{printf "  %-12s %6s ms CPU %6s faults\n", n, $1, $2}'
}

for bin in "${bins[@]}"; do
	echo "$bin ($(wc -c <"$bin") bytes, $(GODEBUG=inittrace=1 "$bin" version 2>&1 >/dev/null | awk '/^init /{n++; b+=$8} END {printf "%d initialisers, %.2f MB", n, b/1e6}'))"
	measure "$bin" version version
	measure "$bin" complete __complete list ""
	measure "$bin" completion completion bash
	measure "$bin" list-git list --source git --repo "$work/repo" --dir fabrics/lab
done
