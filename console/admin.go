package console

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/catalog"
)

func (s *Server) admin(w http.ResponseWriter, r *http.Request, sess *session) {
	d, err := s.app.AdminDirectory(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "admin")
	p.Title = p.T("nav.admin")
	p.Flash = map[string]string{"user": p.T("admin.saved"), "unit": p.T("admin.saved"), "area": p.T("admin.saved"), "shift": p.T("admin.saved"),
		"catalog": p.T("admin.catalog.saved")}[r.URL.Query().Get("saved")]
	cat := s.app.Catalog()
	catInfo := map[string]any{}
	if cat != nil {
		catInfo["Version"], catInfo["Groups"], catInfo["Categories"] = cat.Version, len(cat.Groups), len(cat.Categories())
	}
	unitNames := map[int64]string{}
	for _, u := range d.Units {
		unitNames[u.ID] = u.Name
	}
	access, err := s.app.AccessLog(r.Context(), sess.User, app.AccessFilter{Limit: 50})
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	userNames := map[int64]string{}
	for _, u := range d.Users {
		userNames[u.ID] = u.DisplayName + " (" + u.Username + ")"
	}
	p.Data = map[string]any{"Users": d.Users, "Units": d.Units, "Areas": d.Areas, "Shifts": d.Shifts, "UnitNames": unitNames,
		"Roles": fenliu.Roles, "UnitTypes": fenliu.UnitTypes, "Catalog": catInfo, "Access": access, "UserNames": userNames}
	s.render(w, r, http.StatusOK, "admin", p)
}

func formInt(r *http.Request, name string) int64 {
	v, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue(name)), 10, 64)
	return v
}

func (s *Server) adminUser(w http.ResponseWriter, r *http.Request, sess *session) {
	u := &fenliu.User{Username: strings.TrimSpace(r.PostFormValue("username")), DisplayName: strings.TrimSpace(r.PostFormValue("display_name")),
		Role: fenliu.Role(r.PostFormValue("role")), UnitID: formInt(r, "unit_id")}
	if u.Role != fenliu.RoleUnitStaff {
		u.UnitID = 0
	}
	if err := s.app.CreateUser(r.Context(), sess.User, u, r.PostFormValue("password")); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/admin?saved=user#users", http.StatusSeeOther)
}

func (s *Server) adminUnit(w http.ResponseWriter, r *http.Request, sess *session) {
	u := unitForm(r)
	if err := s.app.CreateUnit(r.Context(), sess.User, u); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/admin?saved=unit#units", http.StatusSeeOther)
}

func (s *Server) adminArea(w http.ResponseWriter, r *http.Request, sess *session) {
	a := &fenliu.Area{Code: strings.TrimSpace(r.PostFormValue("code")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Level: fenliu.AreaLevel(r.PostFormValue("level")), ParentID: formInt(r, "parent_id"), Roads: roadsField(r.PostFormValue("roads"))}
	if err := s.app.CreateArea(r.Context(), sess.User, a); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/admin?saved=area#areas", http.StatusSeeOther)
}

func (s *Server) adminShift(w http.ResponseWriter, r *http.Request, sess *session) {
	sh, err := s.shiftForm(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if sess.User.Role == fenliu.RoleUnitStaff {
		sh.UnitID = sess.User.UnitID // 勤务报备: a unit reports its own roster
	}
	if err := s.app.AddShift(r.Context(), sess.User, sh); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, rosterBack(sess), http.StatusSeeOther)
}

func (s *Server) catalogExport(w http.ResponseWriter, r *http.Request, sess *session) {
	c, err := s.app.CatalogForExport(sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	name := "fenliu-catalog-" + strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < ' ' {
			return '_'
		}
		return r
	}, c.Version)
	if strings.HasSuffix(r.URL.Path, ".csv") {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		c.WriteCSV(w)
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.yaml"`)
	c.WriteYAML(w)
}

func (s *Server) catalogImport(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := fenliu.CanAdminister(sess.User); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	files := formFiles(r, "file")
	if len(files) == 0 {
		s.fail(w, r, sess, &fenliu.Error{Code: fenliu.EInvalid, Field: "file", ZH: "请选择文件", EN: "choose a file"})
		return
	}
	fh := files[0]
	if len(fh.Data) > 4<<20 {
		s.fail(w, r, sess, &fenliu.Error{Code: fenliu.ETooLarge, ZH: "文件过大（最大 4 MB）", EN: "file too large (4 MB at most)"})
		return
	}
	var c *catalog.Catalog
	var err error
	if strings.HasSuffix(strings.ToLower(fh.Name), ".csv") {
		c, err = catalog.ParseCSV(bytes.NewReader(fh.Data))
		if err != nil {
			err = &fenliu.Error{Code: fenliu.EInvalid, Field: "file", ZH: "事项清单无效：" + err.Error(), EN: "invalid catalogue: " + err.Error()}
		}
	} else {
		c, err = app.ParseCatalogYAML(fh.Data)
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.app.ImportCatalog(r.Context(), sess.User, r.PostFormValue("version"), "console import "+fh.Name, c); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/admin?saved=catalog#catalog", http.StatusSeeOther)
}

// adminUserEdit changes a user: name, role, unit, disabled; a new password
// if one is typed.
func (s *Server) adminUserEdit(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	unit, err := s.pickedUnit(r, sess, "unit")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	u := &fenliu.User{ID: id, DisplayName: strings.TrimSpace(r.PostFormValue("display_name")), Role: fenliu.Role(r.PostFormValue("role")),
		UnitID: unit, Disabled: r.PostFormValue("disabled") == "true"}
	if err := s.app.UpdateUser(r.Context(), sess.User, u); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if pw := r.PostFormValue("password"); pw != "" {
		if err := s.app.ResetPassword(r.Context(), sess.User, id, pw); err != nil {
			s.fail(w, r, sess, err)
			return
		}
	}
	http.Redirect(w, r, "/admin?saved=user#users", http.StatusSeeOther)
}

// adminUnitEdit changes a unit.
func (s *Server) adminUnitEdit(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	u := unitForm(r)
	u.ID = id
	if u.ParentID, err = s.pickedUnit(r, sess, "parent"); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.app.UpdateUnit(r.Context(), sess.User, u); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/admin?saved=unit#units", http.StatusSeeOther)
}

// unitForm reads a unit's form.
func unitForm(r *http.Request) *fenliu.Unit {
	u := &fenliu.Unit{Code: strings.TrimSpace(r.PostFormValue("code")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Type: fenliu.UnitType(r.PostFormValue("type")), ParentID: formInt(r, "parent_id"), DutyPhone: strings.TrimSpace(r.PostFormValue("duty_phone")),
		AlwaysOn: r.PostFormValue("always_on") == "true"}
	for _, v := range r.PostForm["area_id"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			u.AreaIDs = append(u.AreaIDs, id)
		}
	}
	return u
}

// adminAreaEdit changes an area.
func (s *Server) adminAreaEdit(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	a := &fenliu.Area{ID: id, Code: strings.TrimSpace(r.PostFormValue("code")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Level: fenliu.AreaLevel(r.PostFormValue("level")), ParentID: formInt(r, "parent_id"), Roads: roadsField(r.PostFormValue("roads"))}
	if err := s.app.UpdateArea(r.Context(), sess.User, a); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/admin?saved=area#areas", http.StatusSeeOther)
}

// shiftForm reads a roster entry's times, person and phone.
func (s *Server) shiftForm(r *http.Request) (*fenliu.Shift, error) {
	parse := func(name string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue(name), s.app.Location(r.Context()))
		if err != nil {
			return t, &fenliu.Error{Code: fenliu.EInvalid, Field: name, ZH: "时间格式错误", EN: "invalid time"}
		}
		return t, nil
	}
	start, err := parse("starts_at")
	if err != nil {
		return nil, err
	}
	end, err := parse("ends_at")
	if err != nil {
		return nil, err
	}
	return &fenliu.Shift{UnitID: formInt(r, "unit_id"), StartsAt: start, EndsAt: end, Person: strings.TrimSpace(r.PostFormValue("person")), Phone: strings.TrimSpace(r.PostFormValue("phone"))}, nil
}

// rosterBack is where a roster form returns: the unit's own roster on the
// inbox for unit staff, the administration page for others.
func rosterBack(sess *session) string {
	if sess.User.Role == fenliu.RoleUnitStaff {
		return "/inbox?saved=shift#roster"
	}
	return "/admin?saved=shift#shifts"
}

// adminShiftEdit changes a roster entry (its unit's staff, or an admin).
func (s *Server) adminShiftEdit(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.app.CanEditShift(r.Context(), sess.User, id); err != nil { // before the form is read
		s.fail(w, r, sess, err)
		return
	}
	sh, err := s.shiftForm(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	sh.ID = id
	if err := s.app.UpdateShift(r.Context(), sess.User, sh); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, rosterBack(sess), http.StatusSeeOther)
}

// adminShiftDelete removes a roster entry.
func (s *Server) adminShiftDelete(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.app.DeleteShift(r.Context(), sess.User, id); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, rosterBack(sess), http.StatusSeeOther)
}

// roadsField reads an area's road names: one per line, or separated by
// 、 or commas.
func roadsField(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' || r == '、' || r == ',' || r == '，' })
}
