package views

import (
	"net/url"
	"testing"
)

func TestJobURLs(t *testing.T) {
	nav := JobNav{Back: "/workflows/1/jobs?status=failed&page=2", TZ: "Europe/Paris"}
	cases := map[string]string{
		JobDetailURL(7, JobNav{}):                     "/jobs/7",
		JobDetailURL(7, nav):                          "/jobs/7?back=%2Fworkflows%2F1%2Fjobs%3Fstatus%3Dfailed%26page%3D2&tz=Europe%2FParis",
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

// TestViewNewURLEncodesTheList checks that the save form's link carries
// the list URL as url.Values encodes it, so the form reads back exactly
// the list it was opened from.
func TestViewNewURLEncodesTheList(t *testing.T) {
	for _, list := range []string{"/jobs", "/workflows/1/jobs?name=a+b&status=failed,cancelled&tz=Europe%2FBerlin", "/jobs?name=%E5%90%8D&x=<\">'"} {
		want := ViewNewPath + "?" + url.Values{"path": {list}}.Encode()
		if got := ViewNewURL(list); got != want {
			t.Errorf("ViewNewURL(%q) = %q, want %q", list, got, want)
		}
	}
}
