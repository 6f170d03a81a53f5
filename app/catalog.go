package app

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/store"
)

// LoadCatalog makes the newest stored catalogue version active, or the
// default one if none was ever imported. Call it at start.
func (a *App) LoadCatalog(ctx context.Context) error {
	v, err := a.db.LatestCatalogVersion(ctx)
	if err != nil {
		return err
	}
	if v == nil {
		c, err := catalog.Default()
		if err != nil {
			return fmt.Errorf("the built-in catalogue: %w", err)
		}
		a.activate(c)
		return nil
	}
	c, err := catalog.Parse([]byte(v.Body))
	if err != nil {
		return err
	}
	c.Version = v.Version
	a.activate(c)
	return nil
}

// SetCatalog makes c the active catalogue in this process without storing
// it as a version (tests and the simulator use it; a city imports).
func (a *App) SetCatalog(c *catalog.Catalog) { a.activate(c) }

// CatalogYAML returns the catalogue as YAML (the file a city edits).
func CatalogYAML(c *catalog.Catalog) ([]byte, error) {
	var buf bytes.Buffer
	err := c.WriteYAML(&buf)
	return buf.Bytes(), err
}

// ImportCatalog validates a new catalogue, stores it as a new version and
// makes it active. Incidents triaged from then on record the new version.
func (a *App) ImportCatalog(ctx context.Context, actor *fenliu.User, version, note string, c *catalog.Catalog) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	version = strings.TrimSpace(version)
	if version == "" || len(version) > 60 {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "version", ZH: "请填写版本号（60字以内）", EN: "a version (at most 60 characters) is required"}
	}
	c.Version = version
	body, err := CatalogYAML(c)
	if err != nil {
		return err
	}
	err = a.db.Tx(ctx, func(q *store.Q) error {
		return q.CreateCatalogVersion(ctx, &fenliu.CatalogVersion{Version: version, Body: string(body), Note: note, CreatedBy: actor.ID, CreatedAt: a.now()})
	})
	if fenliu.ErrorCode(err) == fenliu.EConflict {
		return &fenliu.Error{Code: fenliu.EConflict, Field: "version", ZH: "版本号「" + version + "」已存在", EN: "version " + version + " already exists"}
	}
	if err != nil {
		return err
	}
	a.activate(c)
	return nil
}

// ParseCatalogYAML parses an uploaded YAML catalogue into a validated one,
// turning parse and rule errors into 400s that say what is wrong.
func ParseCatalogYAML(b []byte) (*catalog.Catalog, error) {
	c, err := catalog.Parse(b)
	if err != nil {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "catalog", ZH: "事项清单无效：" + err.Error(), EN: "invalid catalogue: " + err.Error()}
	}
	return c, nil
}

// PutCategory adds or replaces one category in a group of the active
// catalogue and stores the result as a new version.
func (a *App) PutCategory(ctx context.Context, actor *fenliu.User, version, group string, cat catalog.Category) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	cur := a.Catalog()
	if cur == nil {
		return &fenliu.Error{Code: fenliu.EUnprocessable, ZH: "尚无事项清单", EN: "no catalogue loaded"}
	}
	f := catalog.File{Version: version}
	found := false
	for _, g := range cur.Groups {
		ng := g
		ng.Categories = nil
		for _, c := range g.Categories {
			if c.Code == cat.Code {
				continue // replaced below (possibly in another group)
			}
			ng.Categories = append(ng.Categories, c)
		}
		if g.Code == group {
			ng.Categories = append(ng.Categories, cat)
			found = true
		}
		f.Groups = append(f.Groups, ng)
	}
	if !found {
		return &fenliu.Error{Code: fenliu.EUnprocessable, Field: "group", ZH: "事项大类「" + group + "」不存在", EN: "no group " + group}
	}
	next, err := catalog.New(f)
	if err != nil {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "category", ZH: "事项无效：" + err.Error(), EN: "invalid category: " + err.Error()}
	}
	return a.ImportCatalog(ctx, actor, version, "edit "+cat.Code, next)
}

// CatalogVersions lists the stored catalogue versions, newest first, and
// the active one.
func (a *App) CatalogVersions(ctx context.Context, actor *fenliu.User) ([]*fenliu.CatalogVersion, string, error) {
	if err := fenliu.CanReadDirectory(actor); err != nil {
		return nil, "", err
	}
	vs, err := a.db.CatalogVersions(ctx)
	if err != nil {
		return nil, "", err
	}
	active := ""
	if c := a.Catalog(); c != nil {
		active = c.Version
	}
	return vs, active, nil
}

// CatalogForExport returns the active catalogue for an administrator to
// download (YAML or CSV).
func (a *App) CatalogForExport(actor *fenliu.User) (*catalog.Catalog, error) {
	if err := fenliu.CanAdminister(actor); err != nil {
		return nil, err
	}
	c := a.Catalog()
	if c == nil {
		return nil, &fenliu.Error{Code: fenliu.ENotFound, ZH: "尚无事项清单", EN: "no catalogue loaded"}
	}
	return c, nil
}
