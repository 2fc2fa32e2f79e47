package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

func campaign(start time.Time) vitrine.Campaign {
	return vitrine.Campaign{Name: "Join the panel", Reward: usd("10.00"), Budget: usd("30.00"), StartsAt: start, EndsAt: start.Add(30 * 24 * time.Hour),
		NewInstallsOnly: true, MinActiveDays: 2, MinPageViews: 3}
}

// pageViews stores n page views received at `at` for an install.
func pageViews(t *testing.T, db *store.DB, installID string, at time.Time, n int) {
	t.Helper()
	var evs []vitrine.Event
	for i := 0; i < n; i++ {
		evs = append(evs, vitrine.Event{ID: ids.UUIDv7(), InstallID: installID, Type: vitrine.EventPageView, Scope: vitrine.ScopePageViews,
			OccurredAt: at, ReceivedAt: at, Domain: "shop.example", Payload: json.RawMessage(`{"url":"https://shop.example/"}`)})
	}
	if _, err := db.InsertEvents(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
}

func TestCampaignValidation(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for name, edit := range map[string]func(c *vitrine.Campaign){
			"no name":          func(c *vitrine.Campaign) { c.Name = "" },
			"zero reward":      func(c *vitrine.Campaign) { c.Reward.Amount = 0 },
			"budget currency":  func(c *vitrine.Campaign) { c.Budget.Currency = "EUR" },
			"budget too small": func(c *vitrine.Campaign) { c.Budget = usd("5.00") },
			"ends first":       func(c *vitrine.Campaign) { c.EndsAt = c.StartsAt },
			"no days":          func(c *vitrine.Campaign) { c.MinActiveDays = 0 },
		} {
			c := campaign(t0)
			edit(&c)
			if _, err := db.CreateCampaign(ctx, c); vitrine.ErrorCode(err) != vitrine.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if cs, _ := db.Campaigns(ctx); len(cs) != 0 {
			t.Fatalf("invalid campaigns stored: %v", cs)
		}
	})
}

func TestLinkCodes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: t0}
		db.Now = clk.now
		a, _, _ := db.CreateInstall(ctx, "chrome", "1")
		b, _, _ := db.CreateInstall(ctx, "chrome", "1")
		code, err := db.IssueLinkCode(ctx, "acct-1", 15*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.LinkInstall(ctx, a.ID, "WRONG-CODE-0000"); vitrine.ErrorCode(err) != vitrine.EINVALID {
			t.Fatalf("wrong code: %v", err)
		}
		acct, err := db.LinkInstall(ctx, a.ID, " "+code[:4]+code[5:]+" ") // dashes and spaces do not matter
		if err != nil || acct != "acct-1" {
			t.Fatalf("link: %q %v", acct, err)
		}
		if _, err := db.LinkInstall(ctx, b.ID, code); vitrine.ErrorCode(err) != vitrine.EINVALID {
			t.Fatalf("reused code: %v", err)
		}
		old, _ := db.IssueLinkCode(ctx, "acct-2", time.Minute)
		clk.add(2 * time.Minute)
		if _, err := db.LinkInstall(ctx, b.ID, old); vitrine.ErrorCode(err) != vitrine.EINVALID {
			t.Fatalf("expired code: %v", err)
		}
		other, _ := db.IssueLinkCode(ctx, "acct-2", time.Minute)
		if _, err := db.LinkInstall(ctx, a.ID, other); vitrine.ErrorCode(err) != vitrine.ECONFLICT {
			t.Fatalf("relinking to another account: %v", err)
		}
		if got, _ := db.LinkedAccount(ctx, a.ID); got != "acct-1" {
			t.Fatalf("linked account %q", got)
		}
	})
}

func TestRewardRuleAndLedger(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: t0}
		db.Now = clk.now
		old, _, _ := db.CreateInstall(ctx, "chrome", "1") // made before the campaign
		clk.add(time.Hour)
		c, err := db.CreateCampaign(ctx, campaign(clk.now()))
		if err != nil {
			t.Fatal(err)
		}
		clk.add(time.Hour)
		in, _, _ := db.CreateInstall(ctx, "chrome", "1")
		if _, p, _ := db.EvaluateReward(ctx, in.ID, clk.now()); p.Earned || p.Reason == "" {
			t.Fatalf("unlinked install: %+v", p)
		}
		code, _ := db.IssueLinkCode(ctx, "acct-1", time.Hour)
		db.LinkInstall(ctx, in.ID, code)
		pageViews(t, db, in.ID, clk.now(), 3)
		pageViews(t, db, in.ID, clk.now().Add(24*time.Hour), 2) // not enough that day
		r, p, err := db.EvaluateReward(ctx, in.ID, clk.now().Add(25*time.Hour))
		if err != nil || r != nil || p.ActiveDays != 1 || p.NeededDays != 2 {
			t.Fatalf("one active day: %+v %+v %v", r, p, err)
		}
		pageViews(t, db, in.ID, clk.now().Add(48*time.Hour), 3)
		r, p, err = db.EvaluateReward(ctx, in.ID, clk.now().Add(49*time.Hour))
		if err != nil || r == nil || r.Amount.Text() != "10.00" || !p.Earned {
			t.Fatalf("qualified: %+v %+v %v", r, p, err)
		}
		if r2, _, _ := db.EvaluateReward(ctx, in.ID, clk.now().Add(50*time.Hour)); r2 == nil || r2.ID != r.ID {
			t.Fatalf("second evaluation: %+v", r2)
		}
		// The install made before the campaign does not qualify.
		code2, _ := db.IssueLinkCode(ctx, "acct-old", time.Hour)
		db.LinkInstall(ctx, old.ID, code2)
		pageViews(t, db, old.ID, clk.now(), 5)
		pageViews(t, db, old.ID, clk.now().Add(24*time.Hour), 5)
		if r, p, _ := db.EvaluateReward(ctx, old.ID, clk.now().Add(25*time.Hour)); r != nil || p.Reason == "" {
			t.Fatalf("old install rewarded: %+v %+v", r, p)
		}
		if bal, _ := db.Balance(ctx, vitrine.ShopperAccount("acct-1")); bal.Text() != "10.00" {
			t.Fatalf("balance %v", bal)
		}
		if bal, _ := db.Balance(ctx, vitrine.CampaignAccount(c.ID)); bal.Text() != "20.00" {
			t.Fatalf("budget left %v", bal)
		}
		red, err := db.Redeem(ctx, "acct-1", "k1")
		if err != nil || red.Amount.Text() != "10.00" || red.Code == "" {
			t.Fatalf("redeem: %+v %v", red, err)
		}
		again, err := db.Redeem(ctx, "acct-1", "k1")
		if err != nil || again.Code != red.Code {
			t.Fatalf("idempotent redeem: %+v %v", again, err)
		}
		if _, err := db.Redeem(ctx, "acct-1", "k2"); vitrine.ErrorCode(err) != vitrine.ECONFLICT {
			t.Fatalf("double redemption: %v", err)
		}
		tb, _ := db.TrialBalance(ctx)
		for cur, sum := range tb {
			if sum != 0 {
				t.Fatalf("trial balance %s %s", cur, sum)
			}
		}
	})
}

// Many concurrent evaluations for installs of one account, and for one
// install, grant exactly one reward; the ledger still sums to zero.
func TestNoDoubleRewardUnderConcurrency(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := time.Now().Add(-time.Hour)
		c := campaign(start)
		c.MinActiveDays, c.Budget = 1, usd("1000.00")
		if _, err := db.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
		var installs []string
		for i := 0; i < 3; i++ {
			in, _, _ := db.CreateInstall(ctx, "chrome", "1")
			code, _ := db.IssueLinkCode(ctx, "acct-shared", time.Hour)
			if _, err := db.LinkInstall(ctx, in.ID, code); err != nil {
				t.Fatal(err)
			}
			pageViews(t, db, in.ID, time.Now(), 3)
			installs = append(installs, in.ID)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		granted := map[string]bool{}
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r, _, err := db.EvaluateReward(ctx, installs[i%3], time.Now())
				if err != nil {
					t.Errorf("evaluate: %v", err)
					return
				}
				if r != nil {
					mu.Lock()
					granted[r.ID] = true
					mu.Unlock()
				}
			}(i)
		}
		wg.Wait()
		if len(granted) != 1 {
			t.Fatalf("%d distinct rewards granted, want 1", len(granted))
		}
		if bal, _ := db.Balance(ctx, vitrine.ShopperAccount("acct-shared")); bal.Amount != 10*money.Scale {
			t.Fatalf("balance %v, want 10.00", bal)
		}
		tb, _ := db.TrialBalance(ctx)
		if tb["USD"] != 0 {
			t.Fatalf("trial balance %v", tb)
		}
		_ = fmt.Sprint()
	})
}
