package voxsim

import (
	"slices"
	"strings"
)

// Service-account roles, as the Voximplant control panel names them.
const (
	RoleOwner       = "Owner"
	RoleAdmin       = "Admin"
	RoleDeveloper   = "Developer"
	RoleSupervisor  = "Supervisor"
	RoleUserManager = "User manager"
)

// MethodRoles lists, per method, the roles allowed to call it. GetUsers and
// GetACDState follow the reference pages, GetACDQueueStatistics the notes; GetQueues is an inference (the
// queue-editing methods need Developer, reading them is assumed to be open
// to Supervisor too).
var MethodRoles = map[string][]string{
	"GetUsers":    {RoleOwner, RoleAdmin, RoleDeveloper, RoleSupervisor, RoleUserManager},
	"GetQueues":   {RoleOwner, RoleAdmin, RoleDeveloper, RoleSupervisor},
	"GetACDState": {RoleOwner, RoleAdmin, RoleDeveloper},

	"GetACDQueueStatistics": {RoleOwner, RoleAdmin, RoleDeveloper, RoleSupervisor, RoleUserManager},
	// The SmartQueue methods' roles are undocumented: assumed open to the
	// roles that watch queues. Tests refuse them with ForbiddenMethods.
	"GetSQState":                   {RoleOwner, RoleAdmin, RoleDeveloper, RoleSupervisor},
	"GetSmartQueueRealtimeMetrics": {RoleOwner, RoleAdmin, RoleDeveloper, RoleSupervisor},
}

// authorize answers 104 when the account's roles do not allow method, or
// the method is forbidden outright.
func (s *Server) authorize(method string) *apiError {
	if slices.Contains(s.cfg.ForbiddenMethods, method) {
		return forbidden(method)
	}
	if len(s.cfg.Roles) == 0 {
		return nil
	}
	allowed := MethodRoles[method]
	for _, r := range s.cfg.Roles {
		if slices.ContainsFunc(allowed, func(a string) bool { return strings.EqualFold(a, r) }) {
			return nil
		}
	}
	return forbidden(method)
}

func forbidden(method string) *apiError {
	return errorf(CodeForbidden, "Forbidden command: the service account's roles do not allow %s", method)
}
