package config

import (
	"os"
	"strings"
	"time"
)

// localtimePath is the link most Linux systems point at the machine's zone.
const localtimePath = "/etc/localtime"

// MachineZone returns the machine's time zone under its IANA name, for the
// default display zone when JOBBOARD_TZ is unset. time.Local is always
// named "Local", which pages would show as the zone's name although it
// means nothing to a reader; so the name is read where the runtime found
// the zone: $TZ (getenv's), else the target of the /etc/localtime symlink.
// When neither names a zone the runtime could load, the zone is UTC, which
// is what time.Local holds in that case too.
func MachineZone(getenv Getenv) *time.Location {
	return machineZone(getenv, os.Readlink)
}

// machineZone is MachineZone with the symlink reader as a parameter, so
// tests need not change the machine's files.
func machineZone(getenv Getenv, readlink func(string) (string, error)) *time.Location {
	if tz := strings.TrimPrefix(getenv("TZ"), ":"); tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil && loc.String() != "Local" {
			return loc
		}
		return time.UTC
	}
	target, err := readlink(localtimePath)
	if err != nil {
		return time.UTC
	}
	i := strings.LastIndex(target, "zoneinfo/")
	if i < 0 {
		return time.UTC
	}
	if loc, err := time.LoadLocation(target[i+len("zoneinfo/"):]); err == nil {
		return loc
	}
	return time.UTC
}
