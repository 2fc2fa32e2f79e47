package match

import "testing"

func TestIndexSearch(t *testing.T) {
	cat := []Record{
		{ID: "1", Title: "Sony Bravia 46 inch LCD television"},
		{ID: "2", Title: "Sony Bravia KDL-46V3000 LCD TV"},
		{ID: "3", Title: "Panasonic plasma television 50 inch"},
		{ID: "4", Title: "Bose wave radio", ModelNo: "AWR1-1W"},
		{ID: "5", Title: "Canon ink 0625B002", Description: "barcode 4960999270760"},
	}
	ix := NewIndex(cat)
	cases := []struct {
		q        Record
		wantTop  string
		wantByID bool
	}{
		{Record{Title: "KDL46V3000 television"}, "2", true},
		{Record{Title: "panasonic 50in plasma"}, "3", false},
		{Record{Title: "radio awr11w"}, "4", true},
		{Record{Title: "EAN 4960999270760"}, "5", true},
	}
	for _, tc := range cases {
		got := ix.Search(tc.q, 3)
		if len(got) == 0 || got[0].ID != tc.wantTop || got[0].ByIdentifier != tc.wantByID {
			t.Errorf("Search(%q) = %+v, want %s first (by identifier %v)", tc.q.Title, got, tc.wantTop, tc.wantByID)
		}
		if len(got) > 3 {
			t.Errorf("Search returned %d > k", len(got))
		}
	}
	if got := ix.Search(Record{Title: "zzz qqq"}, 5); len(got) != 0 {
		t.Errorf("no shared term: %+v", got)
	}
}
