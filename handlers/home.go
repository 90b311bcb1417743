package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/internal/jobquery"
	"jobboard/views"
)

// recentJobs is how many of the reader's newest jobs the home page reads to
// find their workflows.
const recentJobs = 100

// home serves GET /: open a workflow by ID, and the workflows seen in the
// reader's recent jobs with how their last run went.
func (h *handler) home(c *gin.Context) error {
	return h.renderHome(c, http.StatusOK, "", "")
}

// workflowOpen serves GET /workflows/go?id=N: a valid ID goes to that
// workflow's jobs; anything else shows the home page with a message and
// the value kept.
func (h *handler) workflowOpen(c *gin.Context) error {
	raws := c.QueryArray("id")
	raw, one := jobquery.One(raws)
	if !one {
		return h.renderHome(c, http.StatusBadRequest, raws[0], "home.badIDRepeated", jobquery.Copies(raws))
	}
	id := strings.TrimSpace(raw)
	if n, ok := parseWorkflowID(id); ok {
		h.redirect(c, views.ListPath(n))
		return nil
	}
	if id != "" && strings.Trim(id, "0") == "" {
		// A number, but zero: saying "a workflow ID is a number" would
		// puzzle whoever typed one.
		return h.renderHome(c, http.StatusBadRequest, raw, "home.badIDZero")
	}
	return h.renderHome(c, http.StatusBadRequest, raw, "home.badID")
}

func (h *handler) renderHome(c *gin.Context, status int, openID, openErr string, errArgs ...any) error {
	sess, err := h.requireSession(c)
	if err != nil {
		return err
	}
	d := views.Home{Page: h.page(c, &sess), OpenID: openID, OpenError: openErr, OpenErrorArgs: errArgs, Now: h.now()}
	d.Title = d.L.T("home.title")
	d.Pinned = h.pinnedViews(c.Request.Context(), sess.Account)
	jobs, err := h.explorer.ListJobs(c.Request.Context(), sess.Token, apiclient.ListQuery{PageSize: recentJobs, Order: apiclient.OrderDesc})
	if err != nil {
		if errors.Is(err, apiclient.ErrUnauthorized) {
			return err
		}
		return inFrame(err, func(p views.Problem) templ.Component {
			d.Problem = &p
			return views.HomePage(d)
		})
	}
	d.Recent = recentWorkflows(jobs.Items)
	return h.render(c, status, views.HomePage(d))
}

// recentWorkflows returns each workflow of jobs once, with its newest job,
// in order of that job's creation, newest first.
func recentWorkflows(jobs []apiclient.Job) []views.RecentWorkflow {
	var out []views.RecentWorkflow
	index := map[string]int{}
	for _, j := range jobs {
		if _, ok := parseWorkflowID(j.WorkflowID); !ok {
			continue // never link to an ID we could not serve
		}
		i, seen := index[j.WorkflowID]
		if !seen {
			index[j.WorkflowID] = len(out)
			name := j.WorkflowName
			if name == "" {
				name = j.WorkflowID
			}
			out = append(out, views.RecentWorkflow{ID: j.WorkflowID, Name: name, Last: j})
			continue
		}
		if j.Created.After(out[i].Last.Created) {
			out[i].Last = j
		}
	}
	return out
}

// parseWorkflowID reads a workflow ID: a positive decimal number.
func parseWorkflowID(s string) (int64, bool) {
	if s == "" || len(s) > 19 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
