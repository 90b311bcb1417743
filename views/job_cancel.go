package views

import (
	"jobboard/apiclient"
)

// JobCancel is the data of a cancel confirmation (page or dialog).
type JobCancel struct {
	Page
	Job       apiclient.Job
	Nav       JobNav
	NoticeKey string // the job cannot be cancelled: why ("" = it can)
}
