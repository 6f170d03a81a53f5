package app

import (
	"context"
	"fmt"
	"sync"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/geo"
	"github.com/fenliu/fenliu/store"
)

// placeCache keeps the outline index and the address directory between
// intakes, read again when the directory version changes.
type placeCache struct {
	mu      sync.Mutex
	version string
	index   *geo.Index
	entries []fenliu.AddressEntry
}

func (a *App) placeData(ctx context.Context) (*geo.Index, []fenliu.AddressEntry, error) {
	v, err := a.db.DirectoryVersion(ctx)
	if err != nil {
		return nil, nil, err
	}
	pc := &a.places
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.index != nil && pc.version == v {
		return pc.index, pc.entries, nil
	}
	areas, err := a.db.Areas(ctx)
	if err != nil {
		return nil, nil, err
	}
	entries, err := a.db.AddressEntries(ctx)
	if err != nil {
		return nil, nil, err
	}
	pc.version, pc.index, pc.entries = v, geo.NewIndex(areas), entries
	return pc.index, pc.entries, nil
}

// Place finds the area of a report that names none: by its coordinates in
// the finest area whose outline holds them (point-in-polygon), else by its
// address in the address directory. An area given is kept.
func (a *App) Place(ctx context.Context, areaID int64, lat, lng *float64, address string) (int64, fenliu.Placement, error) {
	if areaID != 0 {
		return areaID, fenliu.PlacedGiven, nil
	}
	ix, entries, err := a.placeData(ctx)
	if err != nil {
		return 0, fenliu.PlacedNone, err
	}
	if lat != nil && lng != nil {
		if id := ix.Locate(*lat, *lng); id != 0 {
			return id, fenliu.PlacedPoint, nil
		}
	}
	if id := fenliu.MatchAddress(entries, address); id != 0 {
		return id, fenliu.PlacedAddress, nil
	}
	return 0, fenliu.PlacedNone, nil
}

// SetAreaOutline gives an area its boundary (a GeoJSON Polygon or
// MultiPolygon geometry); its centre is set from the outline when it has none.
func (a *App) SetAreaOutline(ctx context.Context, actor *fenliu.User, id int64, outline []byte) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if _, err := geo.Outline(outline); err != nil {
		return err
	}
	return a.db.Tx(ctx, func(q *store.Q) error {
		ar, err := q.Area(ctx, id)
		if err != nil {
			return err
		}
		lat, lng := ar.Lat, ar.Lng
		if lat == nil || lng == nil {
			if y, x, ok := geo.Centre(outline); ok {
				lat, lng = &y, &x
			}
		}
		return q.SetAreaOutline(ctx, id, outline, lat, lng)
	})
}

// ImportResult says what an import of areas did.
type ImportResult struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// ImportAreasGeoJSON reads a GeoJSON FeatureCollection of districts,
// streets and grids (properties code, name, level, parent_code): an area
// whose code exists gets the feature's outline, a new code makes a new
// area under parent_code (which may come earlier in the same file). All or
// nothing: one bad feature and nothing is written.
func (a *App) ImportAreasGeoJSON(ctx context.Context, actor *fenliu.User, data []byte) (*ImportResult, error) {
	if err := fenliu.CanAdminister(actor); err != nil {
		return nil, err
	}
	features, err := geo.Import(data)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{}
	err = a.db.Tx(ctx, func(q *store.Q) error {
		*res = ImportResult{}
		for _, f := range features {
			ar, err := q.AreaByCode(ctx, f.Code)
			if err != nil {
				return err
			}
			var lat, lng *float64
			if y, x, ok := geo.Centre(f.Outline); ok {
				lat, lng = &y, &x
			}
			if ar != nil {
				if err := q.SetAreaOutline(ctx, ar.ID, f.Outline, lat, lng); err != nil {
					return err
				}
				res.Updated++
				continue
			}
			nar := &fenliu.Area{Code: f.Code, Name: f.Name, Level: f.Level, Lat: lat, Lng: lng, Outline: f.Outline}
			if f.ParentCode != "" {
				p, err := q.AreaByCode(ctx, f.ParentCode)
				if err != nil {
					return err
				}
				if p == nil {
					return fenliu.Errorf(fenliu.EUnprocessable, "parent_code", "区域「%s」的上级「%s」不存在", "the parent %q of area %q does not exist", f.ParentCode, f.Code)
				}
				nar.ParentID = p.ID
			}
			if err := nar.Validate(); err != nil {
				e := err.(*fenliu.Error)
				return &fenliu.Error{Code: e.Code, Field: e.Field, ZH: "区域「" + f.Code + "」：" + e.ZH, EN: fmt.Sprintf("area %q: %s", f.Code, e.EN)}
			}
			if err := q.CreateArea(ctx, nar); err != nil {
				return err
			}
			res.Created++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// AreasGeoJSON exports the areas (of one level, or all when level is
// empty) as a GeoJSON FeatureCollection.
func (a *App) AreasGeoJSON(ctx context.Context, actor *fenliu.User, level fenliu.AreaLevel) ([]byte, error) {
	if err := fenliu.CanReadDirectory(actor); err != nil {
		return nil, err
	}
	if level != "" && !level.Valid() {
		return nil, fenliu.Errorf(fenliu.EInvalid, "level", "区域级别必须是 district、street 或 grid，收到「%s」", "level must be district, street or grid; got %q", level)
	}
	areas, err := a.db.Areas(ctx)
	if err != nil {
		return nil, err
	}
	var out []*fenliu.Area
	for _, ar := range areas {
		if level == "" || ar.Level == level {
			out = append(out, ar)
		}
	}
	return geo.Export(out, nil)
}

// AddAddressEntry adds a line to the address directory.
func (a *App) AddAddressEntry(ctx context.Context, actor *fenliu.User, e *fenliu.AddressEntry) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	return a.db.Tx(ctx, func(q *store.Q) error {
		if _, err := q.Area(ctx, e.AreaID); err != nil {
			return fenliu.Errorf(fenliu.EUnprocessable, "area_id", "区域 %d 不存在", "area %d does not exist", e.AreaID)
		}
		return q.CreateAddressEntry(ctx, e)
	})
}

// DeleteAddressEntry removes a line of the address directory.
func (a *App) DeleteAddressEntry(ctx context.Context, actor *fenliu.User, id int64) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	return a.db.Tx(ctx, func(q *store.Q) error { return q.DeleteAddressEntry(ctx, id) })
}

// AddressEntries lists the address directory.
func (a *App) AddressEntries(ctx context.Context, actor *fenliu.User) ([]fenliu.AddressEntry, error) {
	if err := fenliu.CanReadDirectory(actor); err != nil {
		return nil, err
	}
	return a.db.AddressEntries(ctx)
}
