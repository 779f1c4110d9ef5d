package collector

import "github.com/prometheus/client_golang/prometheus"

// Namespace prefixes every metric of the exporter.
const Namespace = "voximplant"

// StatusUnknown labels users for whom the API returned no acd_status.
const StatusUnknown = "UNKNOWN"

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", name), help, labels, nil)
}

// Descriptors, built once. Const metrics are made fresh from them in every
// Collect; nothing is kept between scrapes.
var (
	upDesc = desc("up",
		"1 if every page of every watched application was read in this scrape, 0 otherwise.")
	snapshotTimestampDesc = desc("snapshot_timestamp_seconds",
		"Unix time at which the data served was fetched; older than the scrape only with a cache TTL.")

	operatorsDesc = desc("acd_operators",
		"Operators of the application by ACD status.", "application", "acd_status")
	skillOperatorsDesc = desc("acd_skill_operators",
		"Operators of the application that have the skill, by ACD status.", "application", "skill_id", "skill", "acd_status")
	queueOperatorsDesc = desc("acd_queue_operators",
		"Operators of the application bound to the ACD queue, by ACD status.", "application", "queue_id", "queue", "acd_status")
	oldestChangeDesc = desc("acd_oldest_status_change_timestamp_seconds",
		"Earliest acd_status_change_time among the application's operators now in the status, where known; time() minus it is the longest time anyone has been in the status.",
		"application", "acd_status")
)
