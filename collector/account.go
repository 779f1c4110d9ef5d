package collector

import (
	"context"
	"log/slog"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func init() {
	register(spec{
		name: AccountCollector, flag: "account", defaultOn: true,
		help:    "Account health from GetAccountInfo: live balance, credit limit, active and frozen, so that calls never stop for want of money",
		methods: []string{"GetAccountInfo"},
		define: func(*kingpin.Application) func(Settings) (Collector, error) {
			return func(st Settings) (Collector, error) { return NewAccount(st), nil }
		},
	})
}

// AccountCollector is the name of the account-health collector.
const AccountCollector = "account"

// NewAccount returns the account collector: the health of the account the
// exporter (or a /probe target) acts on, read at most once per
// --collector.account.refresh (Pass.AccountInfo).
func NewAccount(st Settings) Collector {
	st = st.withDefaults()
	return &accountCollector{log: st.Logger}
}

type accountCollector struct{ log *slog.Logger }

func (*accountCollector) Name() string { return AccountCollector }

func (c *accountCollector) Update(_ context.Context, p *Pass) (*Result, error) {
	info, err := p.AccountInfo()
	if err != nil {
		if voxapi.ErrorCode(err) == voxapi.CodeForbidden {
			c.log.Error("GetAccountInfo refused (code 104): Voximplant does not document which roles may call it (a service account with no role may call only basic methods); give the service account Supervisor, Admin or Owner, or turn --collector.account off", "err", err)
		}
		return nil, err
	}
	return accountMetrics(info), nil
}

// AccountInfo is GetAccountInfo's answer (the live balance), read at most
// once per --collector.account.refresh: a balance moves with calls, not
// with every scrape.
func (p *Pass) AccountInfo() (*voxapi.AccountInfo, error) {
	info, _, err := p.reads.account.get(p.ctx, func() (fetchFunc[*voxapi.AccountInfo], error) {
		return p.API().GetAccountInfo, nil
	})
	return info, err
}

var (
	accountBalanceDesc = desc("account_balance",
		"Live balance of the account (GetAccountInfo balance, return_live_balance=true), in the account's currency.", "currency")
	accountCreditLimitDesc = desc("account_credit_limit",
		"Credit limit of the account (GetAccountInfo credit_limit), in the currency of voximplant_account_balance.")
	accountActiveDesc = desc("account_active",
		"1 if the account is active (GetAccountInfo active), 0 if it is switched off.")
	accountFrozenDesc = desc("account_frozen",
		"1 if Voximplant has frozen (blocked) the account (GetAccountInfo frozen), 0 otherwise.")
)

// accountMetrics are the series of one GetAccountInfo answer.
func accountMetrics(info *voxapi.AccountInfo) *Result {
	a := *info
	return &Result{Collect: func(ch chan<- prometheus.Metric) {
		ch <- prometheus.MustNewConstMetric(accountBalanceDesc, prometheus.GaugeValue, a.Balance, a.Currency)
		ch <- prometheus.MustNewConstMetric(accountCreditLimitDesc, prometheus.GaugeValue, a.CreditLimit)
		ch <- prometheus.MustNewConstMetric(accountActiveDesc, prometheus.GaugeValue, boolFloat(a.Active))
		ch <- prometheus.MustNewConstMetric(accountFrozenDesc, prometheus.GaugeValue, boolFloat(a.Frozen))
	}}
}
