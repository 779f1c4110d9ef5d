package collector

import (
	"context"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// API is the Management API as the collectors read it; *voxapi.Client is
// one. Every method any collector calls is here, so that a collector never
// reaches for a method by type assertion.
type API interface {
	GetAllUsers(ctx context.Context, app voxapi.AppSelector, opts voxapi.PageOptions) ([]voxapi.User, voxapi.PageStats, error)
	GetACDState(ctx context.Context, queueIDs []int64) (*voxapi.ACDState, error)
	GetQueues(ctx context.Context, applicationID int64) ([]voxapi.QueueInfo, error)
	GetApplications(ctx context.Context, p voxapi.GetApplicationsParams) ([]voxapi.Application, error)
	GetACDQueueStatistics(ctx context.Context, p voxapi.QueueStatsParams) ([]voxapi.QueueStatsRecord, error)
	GetSQState(ctx context.Context, p voxapi.SQStateParams) ([]voxapi.SQQueueState, error)
	GetSmartQueueRealtimeMetrics(ctx context.Context, p voxapi.SQMetricsParams) (*voxapi.SQMetrics, error)
	GetACDOperatorStatusStatistics(ctx context.Context, p voxapi.OperatorStatusParams) ([]voxapi.OperatorGroup[voxapi.OperatorStatusRecord], error)
	GetACDOperatorStatistics(ctx context.Context, p voxapi.OperatorStatsParams) ([]voxapi.OperatorGroup[voxapi.OperatorStatsRecord], error)
	GetAccountInfo(ctx context.Context) (*voxapi.AccountInfo, error)
}
