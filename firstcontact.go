package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// exampleKeyMarker is in the example credentials file shipped in
// examples/, whose key belongs to no account.
const exampleKeyMarker = "FAKE SAMPLE KEY"

// isExampleKey reports whether path is the shipped example credentials.
func isExampleKey(path string) bool {
	b, err := os.ReadFile(path)
	return err == nil && bytes.Contains(b, []byte(exampleKeyMarker))
}

// firstContact makes one cheap request (one user of the first watched
// application) to check the key and the role, and logs one clear line
// either way. The exporter keeps running whatever it finds, as exporters
// do: the API may be down for a while, and every scrape will say so.
func firstContact(ctx context.Context, client *voxapi.Client, app voxapi.AppSelector, credsFile string, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p := voxapi.GetUsersParams{Count: 1}
	if app.ID != 0 {
		p.ApplicationID = app.ID
	} else {
		p.ApplicationName = app.Name
	}
	_, err := client.GetUsers(ctx, p)
	if err == nil {
		logger.Info("the Voximplant API accepted the key and the role", "application", app.String())
		return
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return // shutting down
	}
	example := ""
	if isExampleKey(credsFile) {
		example = " (it is the example's fake key: download your own credentials.json from the Voximplant control panel)"
	}
	switch code := voxapi.ErrorCode(err); code {
	case voxapi.CodeAuthFailed, voxapi.CodeInvalidKeyID, voxapi.CodeInvalidTokenFormat, voxapi.CodeTokenExpired, voxapi.CodeTokenFromFuture:
		logger.Error("code "+strconv.Itoa(code)+": the key in "+credsFile+" was not accepted"+example, "file", credsFile)
	case voxapi.CodeForbidden:
		logger.Error("code 104: the service account lacks the role Supervisor, which GetUsers needs: give it that role in the Voximplant control panel (Settings, Service accounts)", "file", credsFile)
	default:
		logger.Error("the first request to the Voximplant API failed; scrapes will report voximplant_up 0 until it answers"+example, "err", err)
	}
}
