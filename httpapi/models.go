package httpapi

import (
	"io"
	"net/http"
	"strconv"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// Triage models (issue 15): install a trained model file, list the kept
// versions, switch to one, roll back; and where the engine and people
// disagree.

// installModel takes a model file (the body, as `fenliu triage-train
// --out` wrote it). Refused: 422 with the error and the evaluation figures.
func (api *API) installModel(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, app.MaxModelSize+1))
	if err != nil || len(body) > app.MaxModelSize {
		api.fail(w, r, &fenliu.Error{Code: fenliu.ETooLarge, Field: "model", ZH: "模型文件过大（128 MB 以内）", EN: "model file too large (at most 128 MB)"})
		return
	}
	res, err := api.app.InstallModel(r.Context(), u, body, r.URL.Query().Get("note"))
	if err != nil && res != nil && fenliu.ErrorCode(err) == fenliu.EUnprocessable {
		var eb ErrorBody
		e := err.(*fenliu.Error)
		eb.Error.Code, eb.Error.Field, eb.Error.MessageZH, eb.Error.MessageEN = e.Code, e.Field, e.ZH, e.EN
		eb.Error.Message = e.ZH + " / " + e.EN
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": eb.Error, "evaluation": res.Evaluation})
		return
	}
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

func (api *API) modelVersions(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	vs, err := api.app.ModelVersions(r.Context(), u)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": vs, "active_model": api.app.ActiveModel(r.Context())})
}

// activateModel switches to a kept version; id 0 is the built-in model.
func (api *API) activateModel(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 0 {
		api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "id", ZH: "模型版本编号无效", EN: "invalid model version id"})
		return
	}
	if err := api.app.ActivateModel(r.Context(), u, id); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"active": id, "active_model": api.app.ActiveModel(r.Context())})
}

func (api *API) rollbackModel(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := api.app.RollbackModel(r.Context(), u)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"active": id, "active_model": api.app.ActiveModel(r.Context())})
}

// disagreements: ?min=N leaves out categories with fewer triaged decisions.
func (api *API) disagreements(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	min := 1
	if s := r.URL.Query().Get("min"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1_000_000 {
			api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "min", ZH: "min 须为正整数", EN: "min must be a positive integer"})
			return
		}
		min = n
	}
	rows, err := api.app.Disagreements(r.Context(), u, min)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"categories": rows})
}
