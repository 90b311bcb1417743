package views

import "testing"

func TestIsNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"0.150000": true, "1003": true, "-3": true, "+2": true, "1e-5": true, "2.5E+3": true, ".5": true, "5.": true,
		"": false, "player110": false, "-": false, ".": false, "1e": false, "0x1F": false, "NaN": false, "Inf": false,
		"1,000": false, " 1": false, "1 ": false, "=1+2": false, "-1+2": false, "1_000": false,
	} {
		if got := IsNumber(s); got != want {
			t.Errorf("IsNumber(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestJobURLs(t *testing.T) {
	nav := JobNav{Back: "/workflows/1/jobs?status=failed&page=2", TZ: "Europe/Paris"}
	cases := map[string]string{
		JobDetailURL(7, JobNav{}):                     "/jobs/7",
		JobDetailURL(7, nav):                          "/jobs/7?back=%2Fworkflows%2F1%2Fjobs%3Fstatus%3Dfailed%26page%3D2&tz=Europe%2FParis",
		JobCancelledURL(7, JobNav{}):                  "/jobs/7?cancelled=1",
		JobCancelURL(7, JobNav{TZ: "UTC"}):            "/jobs/7/cancel?tz=UTC",
		TaskResultsURL(7, "ab/c", 100, JobNav{}):      "/jobs/7/tasks/ab%2Fc/results",
		TaskResultsURL(7, "abc", 10, JobNav{TZ: "X"}): "/jobs/7/tasks/abc/results?limit=10&tz=X",
		TaskResultsCSVURL(7, "abc", 1000):             "/jobs/7/tasks/abc/results.csv?limit=1000",
		TaskResultsCSVURL(7, "abc", 100):              "/jobs/7/tasks/abc/results.csv",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
