package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

func TestConsentHistoryAndState(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, _, _ := db.CreateInstall(ctx, "chrome", "1")
		rec := func(a vitrine.ConsentAction, scopes ...vitrine.Scope) (vitrine.ConsentState, error) {
			return db.RecordConsent(ctx, vitrine.ConsentRecord{InstallID: in.ID, Action: a, Scopes: scopes, NoticeVersion: "v1", NoticeHash: "abc"})
		}
		active := func(s vitrine.ConsentState) []vitrine.Scope {
			var out []vitrine.Scope
			for _, x := range vitrine.Scopes {
				if s.Active()[x] {
					out = append(out, x)
				}
			}
			return out
		}
		for _, bad := range []vitrine.ConsentAction{vitrine.ConsentPause, vitrine.ConsentResume, vitrine.ConsentWithdraw, vitrine.ConsentRevoke, "join"} {
			if _, err := rec(bad, vitrine.ScopePageViews); vitrine.ErrorCode(err) != vitrine.EINVALID {
				t.Fatalf("%s before joining: %v", bad, err)
			}
		}
		if _, err := rec(vitrine.ConsentGrant); vitrine.ErrorCode(err) != vitrine.EINVALID {
			t.Fatalf("grant without scopes: %v", err)
		}
		if _, err := rec(vitrine.ConsentGrant, "keystrokes"); vitrine.ErrorCode(err) != vitrine.EINVALID {
			t.Fatalf("unknown scope: %v", err)
		}
		s, err := rec(vitrine.ConsentGrant, vitrine.ScopeProductViews, vitrine.ScopePageViews)
		if err != nil || !reflect.DeepEqual(active(s), []vitrine.Scope{vitrine.ScopePageViews, vitrine.ScopeProductViews}) {
			t.Fatalf("grant: %+v %v", s, err)
		}
		s, _ = rec(vitrine.ConsentPause)
		if len(active(s)) != 0 || !s.Paused || len(s.Scopes) != 2 {
			t.Fatalf("paused: %+v", s)
		}
		if _, err := rec(vitrine.ConsentPause); vitrine.ErrorCode(err) != vitrine.EINVALID {
			t.Fatalf("pause twice: %v", err)
		}
		s, _ = rec(vitrine.ConsentResume)
		if len(active(s)) != 2 {
			t.Fatalf("resumed: %+v", s)
		}
		s, _ = rec(vitrine.ConsentRevoke, vitrine.ScopePageViews)
		if !reflect.DeepEqual(active(s), []vitrine.Scope{vitrine.ScopeProductViews}) {
			t.Fatalf("revoked: %+v", s)
		}
		s, _ = rec(vitrine.ConsentWithdraw)
		if s.Member || len(active(s)) != 0 {
			t.Fatalf("withdrawn: %+v", s)
		}
		s, _ = rec(vitrine.ConsentGrant, vitrine.ScopeLinkClicks)
		if !reflect.DeepEqual(active(s), []vitrine.Scope{vitrine.ScopeLinkClicks}) {
			t.Fatalf("re-joined: %+v", s)
		}
		h, err := db.ConsentHistory(ctx, in.ID)
		if err != nil || len(h) != 6 || h[0].Action != vitrine.ConsentGrant || h[0].NoticeHash != "abc" || h[4].Action != vitrine.ConsentWithdraw {
			t.Fatalf("history %+v %v", h, err)
		}
		again, _ := db.ConsentState(ctx, in.ID)
		if !reflect.DeepEqual(again, s) {
			t.Fatalf("replayed state %+v != recorded %+v", again, s)
		}
	})
}
