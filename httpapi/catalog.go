package httpapi

import (
	"io"
	"net/http"
	"strings"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/catalog"
)

// getCatalog answers the active catalogue as JSON, or as the YAML file a
// city edits with ?format=yaml.
func (api *API) getCatalog(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	c := api.app.Catalog()
	if c == nil {
		api.fail(w, r, &fenliu.Error{Code: fenliu.ENotFound, ZH: "尚无事项清单", EN: "no catalogue loaded"})
		return
	}
	if r.URL.Query().Get("format") == "yaml" {
		b, err := app.CatalogYAML(c)
		if err != nil {
			api.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="fenliu-catalog-`+strings.ReplaceAll(c.Version, `"`, "")+`.yaml"`)
		w.Write(b)
		return
	}
	writeJSON(w, http.StatusOK, catalog.File{Version: c.Version, Groups: c.Groups})
}

func (api *API) catalogVersions(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	vs, active, err := api.app.CatalogVersions(r.Context(), u)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"active": active, "versions": vs})
}

// importCatalog takes a whole catalogue: YAML (Content-Type application/yaml
// or text/yaml) or JSON; ?version= names the new version.
func (api *API) importCatalog(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	// Who may, before the body is read: no parsing for those who may not.
	if err := fenliu.CanAdminister(u); err != nil {
		api.fail(w, r, err)
		return
	}
	var c *catalog.Catalog
	ct := r.Header.Get("Content-Type")
	if strings.Contains(ct, "yaml") {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<20))
		if err != nil {
			api.fail(w, r, &fenliu.Error{Code: fenliu.ETooLarge, ZH: "事项清单文件过大", EN: "catalogue file too large"})
			return
		}
		if c, err = app.ParseCatalogYAML(b); err != nil {
			api.fail(w, r, err)
			return
		}
	} else {
		var f catalog.File
		if err := decode(w, r, 4<<20, &f); err != nil {
			api.fail(w, r, err)
			return
		}
		var err error
		if c, err = catalog.New(f); err != nil {
			api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "catalog", ZH: "事项清单无效：" + err.Error(), EN: "invalid catalogue: " + err.Error()})
			return
		}
	}
	version := r.URL.Query().Get("version")
	if err := api.app.ImportCatalog(r.Context(), u, version, r.URL.Query().Get("note"), c); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"version": version, "categories": len(c.Categories())})
}

func (api *API) putCategory(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	// Who may, before the body is read: no parsing for those who may not.
	if err := fenliu.CanAdminister(u); err != nil {
		api.fail(w, r, err)
		return
	}
	var body struct {
		Version  string           `json:"version"`
		Group    string           `json:"group"`
		Category catalog.Category `json:"category"`
	}
	if err := decode(w, r, api.maxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	if body.Category.Code != r.PathValue("code") {
		api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "category.code", ZH: "事项编码与地址不一致", EN: "category.code differs from the URL"})
		return
	}
	if err := api.app.PutCategory(r.Context(), u, body.Version, body.Group, body.Category); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"version": body.Version})
}
