// Package collector turns snapshots of a Voximplant account's users into
// Prometheus metrics: operators by ACD status per application, skill and
// queue, and per-user series.
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
	scrapeDurationDesc = desc("scrape_duration_seconds",
		"Time this scrape spent getting its data from the Voximplant API.")
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

	userInfoDesc = desc("user_info",
		"Information about a Voximplant user; always 1.", "user_id", "user_name", "user_display_name", "parent_accounting")
	userStatusDesc = desc("user_acd_status",
		"The user's ACD status as a state set: 1 for the current status, 0 for the other documented ones.", "user_id", "user_name", "acd_status")
	userStatusChangeDesc = desc("user_acd_status_change_timestamp_seconds",
		"Unix time of the user's last ACD status change; time() minus it is the status age.", "user_id", "user_name")
	userLiveBalanceDesc = desc("user_live_balance",
		"The user's live balance in the account's currency.", "user_id", "user_name")
	userFixedBalanceDesc = desc("user_fixed_balance",
		"The user's last committed balance in the account's currency.", "user_id", "user_name")
	userQueueInfoDesc = desc("user_acd_queue_info",
		"An ACD queue the user is bound to (GetUsers' acd_queues); always 1.", "user_id", "user_name", "queue_id", "queue")
	userSkillInfoDesc = desc("user_skill_info",
		"A skill the user has (GetUsers' skills); always 1.", "user_id", "user_name", "skill_id", "skill")
	userActiveDesc = desc("user_active",
		"1 if the user is active (may log in to applications), 0 otherwise.", "user_id", "user_name")
)
