package config

import (
	"errors"
	"os"
	"testing"
)

func TestMachineZoneIsNamed(t *testing.T) {
	noLink := func(string) (string, error) { return "", os.ErrNotExist }
	link := func(target string) func(string) (string, error) {
		return func(string) (string, error) { return target, nil }
	}
	env := func(tz string) Getenv {
		return func(k string) string {
			if k == "TZ" {
				return tz
			}
			return ""
		}
	}
	tests := []struct {
		name     string
		getenv   Getenv
		readlink func(string) (string, error)
		want     string
	}{
		{"TZ names the zone", env("America/New_York"), noLink, "America/New_York"},
		{"TZ with a leading colon", env(":Europe/Paris"), noLink, "Europe/Paris"},
		{"TZ unknown", env("Mars/Olympus"), link("/usr/share/zoneinfo/Asia/Tokyo"), "UTC"},
		{"symlink into zoneinfo", env(""), link("/usr/share/zoneinfo/Asia/Shanghai"), "Asia/Shanghai"},
		{"relative symlink", env(""), link("../usr/share/zoneinfo/Europe/Berlin"), "Europe/Berlin"},
		{"symlink elsewhere", env(""), link("/opt/zone"), "UTC"},
		{"no symlink", env(""), func(string) (string, error) { return "", errors.New("not a link") }, "UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := machineZone(tt.getenv, tt.readlink).String()
			if got != tt.want {
				t.Errorf("zone = %q, want %q", got, tt.want)
			}
			if got == "Local" {
				t.Error(`zone is named "Local"`)
			}
		})
	}
}

func TestParseDefaultZoneNeverLocal(t *testing.T) {
	c, err := Parse(nil, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Zone.String() == "Local" {
		t.Errorf(`default zone is named "Local"; want an IANA name or UTC`)
	}
}
