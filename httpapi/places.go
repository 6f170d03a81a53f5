package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/fenliu/fenliu"
)

// MaxGeoJSONBody is the largest GeoJSON import accepted (32 MiB: a city's
// hundreds of grids with detailed boundaries).
const MaxGeoJSONBody = 32 << 20

// exportAreas answers GET /api/v1/areas/geojson?level=grid with the areas
// as a GeoJSON FeatureCollection.
func (api *API) exportAreas(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	data, err := api.app.AreasGeoJSON(r.Context(), u, fenliu.AreaLevel(r.URL.Query().Get("level")))
	if err != nil {
		api.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// importAreas takes a GeoJSON FeatureCollection of areas (application/json
// or application/geo+json): outlines for existing codes, new areas for new
// ones, all or nothing.
func (api *API) importAreas(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "application/geo+json") {
			api.fail(w, r, &fenliu.Error{Code: fenliu.EUnsupportedMedia, ZH: "请求体必须是 application/geo+json 或 application/json", EN: "request body must be application/geo+json or application/json"})
			return
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxGeoJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			api.fail(w, r, fenliu.Errorf(fenliu.ETooLarge, "", "GeoJSON 超过 %d 字节", "the GeoJSON is larger than %d bytes", MaxGeoJSONBody))
			return
		}
		api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, ZH: "读取请求体失败", EN: "could not read the request body"})
		return
	}
	res, err := api.app.ImportAreasGeoJSON(r.Context(), u, data)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// setOutline answers PUT /api/v1/areas/{id}/outline with a GeoJSON
// geometry as the body.
func (api *API) setOutline(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var g json.RawMessage
	if err := decode(w, r, MaxGeoJSONBody, &g); err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.app.SetAreaOutline(r.Context(), u, id, g); err != nil {
		api.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (api *API) listAddresses(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	es, err := api.app.AddressEntries(r.Context(), u)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"addresses": es})
}

func (api *API) createAddress(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var e fenliu.AddressEntry
	if err := decode(w, r, api.maxBody, &e); err != nil {
		api.fail(w, r, err)
		return
	}
	e.ID = 0
	if err := api.app.AddAddressEntry(r.Context(), u, &e); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"address": e})
}

func (api *API) deleteAddress(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.app.DeleteAddressEntry(r.Context(), u, id); err != nil {
		api.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
