package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"jobboard/internal/store"
	"jobboard/views"
)

// viewPin serves POST /views/:id/pin (pin=1 pins, pin=0 unpins) for any
// view the reader can see, then returns to next (the board or Home); with
// htmx the button replaces itself and says what it did. A pasted-token
// session has no account to pin for: 403. Two different pin answers in
// one form change nothing (400 saying so); two different nexts are none.
func (h *handler) viewPin(c *gin.Context) error {
	sess, err := h.requireSession(c)
	if err != nil {
		return err
	}
	if sess.Account == "" {
		return h.renderViewProblem(c, &sess, store.ErrForbidden)
	}
	st, err := h.viewStore()
	if err != nil {
		return h.renderViewProblem(c, &sess, err)
	}
	id, err := viewIDParam(c)
	if err != nil {
		return h.renderViewProblem(c, &sess, err)
	}
	ctx := c.Request.Context()
	pinned, repeated := postedOne(c, "pin")
	pin := pinned != "0"
	v, err := st.ViewByID(ctx, sess.Account, id)
	if err == nil && repeated.Key != "" {
		// Pin and unpin at once: nothing is changed for the reader.
		return &appError{status: http.StatusBadRequest, key: "form.repeatedPin", args: []any{v.Name, repeated.Args[0]}, back: true}
	}
	if err == nil {
		if pin {
			err = st.PinView(ctx, sess.Account, id)
		} else {
			err = st.UnpinView(ctx, sess.Account, id)
		}
	}
	if err != nil {
		return h.renderViewProblem(c, &sess, err)
	}
	next := safeNext(formOne(c, "next"))
	if isFragment(c.Request) {
		return h.render(c, http.StatusOK, views.ViewPinForm(h.localizer(c), savedView(v, sess.Account, pin), next, true))
	}
	h.redirect(c, next)
	return nil
}
