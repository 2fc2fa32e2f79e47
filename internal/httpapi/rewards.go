package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/authn"
	"github.com/vitrine/vitrine/internal/money"
)

// campaignTerms is what shoppers are told about a campaign.
type campaignTerms struct {
	ID              string      `json:"id"`
	Name            string      `json:"name"`
	Reward          money.Money `json:"reward"`
	EndsAt          time.Time   `json:"ends_at"`
	NewInstallsOnly bool        `json:"new_installs_only"`
	MinActiveDays   int         `json:"min_active_days"`
	MinPageViews    int         `json:"min_page_views"`
	Terms           string      `json:"terms"`
}

func termsOf(c vitrine.Campaign) campaignTerms {
	t := "A one-time " + c.Reward.String() + " store credit, once per store account and per install"
	if c.NewInstallsOnly {
		t += ", for installs made after " + c.StartsAt.UTC().Format("2006-01-02")
	}
	t += ": link the extension to your store account, join the panel with page views on, and keep sharing on " +
		plural(c.MinActiveDays, "day", "different days") + " with at least " + plural(c.MinPageViews, "page view", "page views") + " each (days counted by our server's clock, UTC). " +
		"Offer ends " + c.EndsAt.UTC().Format("2006-01-02") + ". The credit stays yours if you later pause, leave the panel or delete your data."
	return campaignTerms{ID: c.ID, Name: c.Name, Reward: c.Reward, EndsAt: c.EndsAt, NewInstallsOnly: c.NewInstallsOnly,
		MinActiveDays: c.MinActiveDays, MinPageViews: c.MinPageViews, Terms: t}
}

// plural writes "1 day" or "3 different days".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func (s *Server) handleActiveCampaign(w http.ResponseWriter, r *http.Request) {
	c, err := s.Rewards.ActiveCampaign(r.Context(), time.Now())
	if vitrine.ErrorCode(err) == vitrine.ENOTFOUND {
		writeJSON(w, http.StatusOK, map[string]any{"campaign": nil})
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaign": termsOf(c)})
}

func (s *Server) handleLinkAccount(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	var req struct {
		Code string `json:"code"`
	}
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := requireText("code", req.Code, 40); err != nil {
		s.writeError(w, r, err)
		return
	}
	acct, err := s.Rewards.LinkInstall(r.Context(), in.ID, req.Code)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"linked": true, "store_account_id": acct})
}

// rewardStatus evaluates the install's reward and reads its balance.
func (s *Server) rewardStatus(r *http.Request, in vitrine.Install) (map[string]any, error) {
	_, prog, err := s.Rewards.EvaluateReward(r.Context(), in.ID, time.Now())
	if err != nil {
		return nil, err
	}
	out := map[string]any{"progress": prog, "linked": false}
	acct, err := s.Rewards.LinkedAccount(r.Context(), in.ID)
	if err == nil {
		bal, err := s.Rewards.Balance(r.Context(), vitrine.ShopperAccount(acct))
		if err != nil {
			return nil, err
		}
		out["linked"], out["store_account_id"], out["balance"] = true, acct, bal
	} else if vitrine.ErrorCode(err) != vitrine.ENOTFOUND {
		return nil, err
	}
	return out, nil
}

func (s *Server) handleRewards(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	st, err := s.rewardStatus(r, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) handleRedeem(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	var req struct {
		IdempotencyKey string `json:"idempotency_key"`
	}
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := requireText("idempotency_key", req.IdempotencyKey, 100); err != nil {
		s.writeError(w, r, err)
		return
	}
	acct, err := s.Rewards.LinkedAccount(r.Context(), in.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	red, err := s.Rewards.Redeem(r.Context(), acct, in.ID+":"+req.IdempotencyKey)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, red)
}

func (s *Server) handleLoginLink(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	tok, err := s.Auth.Store.CreateLoginLink(r.Context(), in.ID, authn.LoginLinkTTL)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"path": "/me/login?t=" + tok, "expires_in_seconds": int(authn.LoginLinkTTL.Seconds())})
}

// admin wraps an operator handler: admin role, CSRF for browser sessions.
func (s *Server) admin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := s.Auth.Require(r, vitrine.RoleAdmin); err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r)
	}
}

func (s *Server) handleCreateCampaign(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name            string       `json:"name"`
		Reward          *money.Money `json:"reward"`
		Budget          *money.Money `json:"budget"`
		StartsAt        time.Time    `json:"starts_at"`
		EndsAt          time.Time    `json:"ends_at"`
		NewInstallsOnly bool         `json:"new_installs_only"`
		MinActiveDays   int          `json:"min_active_days"`
		MinPageViews    int          `json:"min_page_views"`
	}
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Reward == nil || req.Budget == nil {
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, `fields reward and budget are required, like {"amount":"10.00","currency":"USD"}`))
		return
	}
	c, err := s.Rewards.CreateCampaign(r.Context(), vitrine.Campaign{Name: strings.TrimSpace(req.Name), Reward: *req.Reward, Budget: *req.Budget,
		StartsAt: req.StartsAt, EndsAt: req.EndsAt, NewInstallsOnly: req.NewInstallsOnly, MinActiveDays: req.MinActiveDays, MinPageViews: req.MinPageViews})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (s *Server) handleListCampaigns(w http.ResponseWriter, r *http.Request) {
	cs, err := s.Rewards.Campaigns(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	type withBudget struct {
		vitrine.Campaign
		BudgetLeft money.Money `json:"budget_left"`
	}
	out := []withBudget{}
	for _, c := range cs {
		left, err := s.Rewards.Balance(r.Context(), vitrine.CampaignAccount(c.ID))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out = append(out, withBudget{c, left})
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaigns": out})
}

func (s *Server) handleIssueLinkCode(w http.ResponseWriter, r *http.Request) {
	var req struct {
		StoreAccountID string `json:"store_account_id"`
		TTLSeconds     int    `json:"ttl_seconds"`
	}
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.TTLSeconds == 0 {
		req.TTLSeconds = 900
	}
	code, err := s.Rewards.IssueLinkCode(r.Context(), req.StoreAccountID, time.Duration(req.TTLSeconds)*time.Second)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"code": code, "store_account_id": req.StoreAccountID, "expires_in_seconds": req.TTLSeconds})
}
