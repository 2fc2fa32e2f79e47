package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/authn"
	"github.com/vitrine/vitrine/internal/money"
)

// AdminRoutes registers the operator's sign-in and campaign pages.
func (s *Site) AdminRoutes(mux *http.ServeMux, a *authn.Authn) {
	s.auth = a
	mux.HandleFunc("GET /admin/login", s.handleAdminLoginForm)
	mux.HandleFunc("POST /admin/login", s.handleAdminLogin)
	mux.HandleFunc("POST /admin/logout", s.handleAdminLogout)
	mux.HandleFunc("GET /admin/{$}", s.handleAdminHome)
	mux.HandleFunc("POST /admin/campaigns", s.handleAdminCreateCampaign)
}

func (s *Site) handleAdminLoginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "admin_login.html", map[string]any{"Store": s.StoreName})
}

func (s *Site) handleAdminLogin(w http.ResponseWriter, r *http.Request) {
	email, pw := r.PostFormValue("email"), r.PostFormValue("password")
	if _, err := s.auth.Login(r.Context(), w, email, pw); err != nil {
		status := http.StatusInternalServerError
		msg := "Something went wrong on our side."
		if vitrine.ErrorCode(err) == vitrine.EUNAUTHORIZED {
			status, msg = http.StatusUnauthorized, vitrine.ErrorMessage(err)
		} else {
			s.Logger.Error("admin login", "err", err)
		}
		s.render(w, status, "admin_login.html", map[string]any{"Store": s.StoreName, "Error": msg, "Email": email})
		return
	}
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

func (s *Site) handleAdminLogout(w http.ResponseWriter, r *http.Request) {
	if _, err := s.auth.Require(r, vitrine.RoleAdmin, vitrine.RoleAnalyst); err != nil {
		s.adminError(w, err)
		return
	}
	s.auth.Logout(w, r, authn.UserCookie)
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

func (s *Site) adminError(w http.ResponseWriter, err error) {
	switch vitrine.ErrorCode(err) {
	case vitrine.EUNAUTHORIZED:
		s.render(w, http.StatusUnauthorized, "admin_login.html", map[string]any{"Store": s.StoreName, "Error": vitrine.ErrorMessage(err)})
	case vitrine.EFORBIDDEN, vitrine.EINVALID:
		status := http.StatusForbidden
		if vitrine.ErrorCode(err) == vitrine.EINVALID {
			status = http.StatusBadRequest
		}
		s.render(w, status, "me_error.html", map[string]any{"Store": s.StoreName, "Message": vitrine.ErrorMessage(err)})
	default:
		s.Logger.Error("admin", "err", err)
		s.render(w, http.StatusInternalServerError, "me_error.html", map[string]any{"Store": s.StoreName, "Message": "Something went wrong on our side."})
	}
}

func (s *Site) handleAdminHome(w http.ResponseWriter, r *http.Request) {
	p, err := s.auth.Require(r, vitrine.RoleAdmin, vitrine.RoleAnalyst)
	if err != nil {
		s.adminError(w, err)
		return
	}
	data := map[string]any{"Store": s.StoreName, "User": p.User, "CSRF": p.Session.CSRF}
	if p.User.Role == vitrine.RoleAdmin {
		cs, err := s.Rewards.Campaigns(r.Context())
		if err != nil {
			s.adminError(w, err)
			return
		}
		type row struct {
			vitrine.Campaign
			Left money.Money
		}
		var rows []row
		for _, c := range cs {
			left, err := s.Rewards.Balance(r.Context(), vitrine.CampaignAccount(c.ID))
			if err != nil {
				s.adminError(w, err)
				return
			}
			rows = append(rows, row{c, left})
		}
		data["Campaigns"] = rows
	}
	s.render(w, http.StatusOK, "admin.html", data)
}

func (s *Site) handleAdminCreateCampaign(w http.ResponseWriter, r *http.Request) {
	if _, err := s.auth.Require(r, vitrine.RoleAdmin); err != nil {
		s.adminError(w, err)
		return
	}
	f := r.PostFormValue
	cur := strings.ToUpper(strings.TrimSpace(f("currency")))
	reward, err1 := money.ParseAmount(strings.TrimSpace(f("reward")))
	budget, err2 := money.ParseAmount(strings.TrimSpace(f("budget")))
	start, err3 := time.Parse("2006-01-02", f("starts"))
	end, err4 := time.Parse("2006-01-02", f("ends"))
	days, pvs := atoiDefault(f("min_active_days"), -1), atoiDefault(f("min_page_views"), -1)
	switch {
	case err1 != nil || err2 != nil:
		s.adminError(w, vitrine.Errorf(vitrine.EINVALID, "reward and budget must be decimal amounts such as 10.00"))
		return
	case err3 != nil || err4 != nil:
		s.adminError(w, vitrine.Errorf(vitrine.EINVALID, "start and end must be dates"))
		return
	}
	_, err := s.Rewards.CreateCampaign(r.Context(), vitrine.Campaign{Name: strings.TrimSpace(f("name")), Reward: money.Money{Amount: reward, Currency: cur},
		Budget: money.Money{Amount: budget, Currency: cur}, StartsAt: start, EndsAt: end.Add(24 * time.Hour), NewInstallsOnly: f("new_installs_only") == "on",
		MinActiveDays: days, MinPageViews: pvs})
	if err != nil {
		s.adminError(w, err)
		return
	}
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

// atoiDefault reads a small non-negative integer field, def when it is not one.
func atoiDefault(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 9_999_999 {
		return def
	}
	return n
}
