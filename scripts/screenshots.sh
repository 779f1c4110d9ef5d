#!/usr/bin/env bash
# Real screenshots for the README (make screenshots; not part of CI).
#
# Builds the exporter, runs it with --demo and Debian's prometheus binary
# with examples/prometheus.yml and the project's rules on free loopback
# ports, lets them run for 12 minutes (SCREENSHOT_DURATION), then takes headless Chromium
# screenshots of the exporter's own page (docs/img/landing.png, the README's
# first picture) and of Prometheus's graph page for the overview dashboard's
# main queries into docs/img/. Nothing is drawn by hand.
#
# Needs: go, prometheus, chromium (Debian packages golang/prometheus/chromium).
# Environment: SCREENSHOT_DURATION (seconds to collect data, default 720:
#              the demo's team break shows its predicted service level
#              under the target from the start and the measured one under
#              it after about 11 minutes),
#              CHROMIUM (browser binary), KEEP_TMP=1 (keep the temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

duration=${SCREENSHOT_DURATION:-720}
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
for tool in go prometheus; do
	command -v "$tool" >/dev/null || { echo "screenshots: $tool is not installed" >&2; exit 1; }
done
[ -n "$chromium" ] || { echo "screenshots: chromium is not installed (apt-get install chromium)" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [ "${KEEP_TMP:-}" = 1 ]; then echo "screenshots: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# A loopback port nobody listens on.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
	done
}

# Waits until a URL answers 2xx, or fails after $2 seconds.
wait_http() {
	local url=$1 limit=$2 i
	for ((i = 0; i < limit * 4; i++)); do
		if command -v curl >/dev/null; then
			curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
		else
			# No curl: bash's /dev/tcp for a plain HTTP/1.0 GET.
			local hostport=${url#http://}; hostport=${hostport%%/*}
			local path=/${url#http://*/}
			if exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" 2>/dev/null; then
				printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3
				if head -n1 <&3 | grep -q ' 2[0-9][0-9] '; then exec 3<&-; return 0; fi
				exec 3<&-
			fi
		fi
		sleep 0.25
	done
	echo "screenshots: $url did not answer within ${limit}s" >&2
	return 1
}

urlencode() {
	local s=$1 out="" c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
			[a-zA-Z0-9.~_-]) out+=$c ;;
			*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

echo "screenshots: building the exporter"
CGO_ENABLED=0 go build -o "$tmp/voximplant_exporter" .

exp_port=$(free_port)
"$tmp/voximplant_exporter" --demo --web.listen-address="127.0.0.1:$exp_port" >"$tmp/exporter.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$exp_port/metrics" 30

# examples/prometheus.yml with the exporter's address, 5s intervals and the
# rule files made absolute (the copy lives in $tmp).
sed -e "s|targets: \[[^]]*\]|targets: [\"127.0.0.1:$exp_port\"]|" \
	-e 's|scrape_interval: .*|scrape_interval: 5s|' \
	-e 's|scrape_timeout: .*|scrape_timeout: 4s|' \
	-e 's|evaluation_interval: .*|evaluation_interval: 5s|' \
	-e "/^rule_files:/,/^[^ #]/ s|^\(  - \)\([^/]\)|\1$root/examples/\2|" \
	examples/prometheus.yml >"$tmp/prometheus.yml"

prom_port=$(free_port)
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
	--web.listen-address="127.0.0.1:$prom_port" >"$tmp/prometheus.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$prom_port/-/ready" 30

echo "screenshots: collecting data for ${duration}s (SCREENSHOT_DURATION)"
sleep "$duration"
for pid in "${pids[@]}"; do
	kill -0 "$pid" 2>/dev/null || { echo "screenshots: a process died; logs in $tmp" >&2; KEEP_TMP=1; exit 1; }
done

range="$(( (duration + 59) / 60 ))m"
mkdir -p docs/img
shot() { # name expr stacked
	local name=$1 expr=$2 stacked=$3
	local url="http://127.0.0.1:$prom_port/graph?g0.expr=$(urlencode "$expr")&g0.tab=0&g0.stacked=$stacked&g0.show_exemplars=0&g0.range_input=$range"
	echo "screenshots: docs/img/$name.png <- $expr"
	"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$tmp/chromium" --window-size=1400,900 --hide-scrollbars \
		--virtual-time-budget=20000 --screenshot="$root/docs/img/$name.png" "$url" \
		>>"$tmp/chromium.log" 2>&1
	[ -s "docs/img/$name.png" ] || { echo "screenshots: no docs/img/$name.png; see $tmp/chromium.log" >&2; KEEP_TMP=1; exit 1; }
}
# The exporter's page at /, as a newcomer sees it: the last pass of
# Prometheus's scrapes, the busy period under way.
echo "screenshots: docs/img/landing.png <- http://127.0.0.1:$exp_port/"
"$chromium" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$tmp/chromium" \
	--window-size=1280,1250 --hide-scrollbars --screenshot="$root/docs/img/landing.png" \
	"http://127.0.0.1:$exp_port/" >>"$tmp/chromium.log" 2>&1
[ -s docs/img/landing.png ] || { echo "screenshots: no docs/img/landing.png; see $tmp/chromium.log" >&2; KEEP_TMP=1; exit 1; }
shot operators-by-status 'sum by (acd_status) (max by (application, acd_status) (voximplant_acd_operators))' 1
shot ready-per-queue 'max by (application, queue) (application_queue:voximplant_acd_queue_operators:ready)' 0
shot occupancy-per-queue 'max by (application, queue) (application_queue:voximplant_acd_queue_occupancy:ratio)' 0
# The demo's team break (seed 1: Support L1, queue 8000): the service level
# the people on shift will deliver, the one measured over the window, and
# the target.
shot service-level-at-risk 'label_replace(max(application_queue:voximplant_acd_queue_predicted_service_level:target_threshold_ratio{queue_id="8000"}), "series", "predicted with the people on shift", "", "")
 or label_replace(max(application_queue:voximplant_acd_queue_stats_service_level:target_threshold_ratio{queue_id="8000"}), "series", "measured over the window", "", "")
 or label_replace(max(application_queue:voximplant_queue_service_level_target:effective{queue_id="8000"}), "series", "target", "", "")' 0
echo "screenshots: done"
