package bus

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/metrics"
	"github.com/vitrine/vitrine/internal/storetest"
)

// BenchmarkWriterDrain measures the writer alone: a stream filled with
// b.N messages of 500 events is drained into PostgreSQL. Compare with
// BenchmarkInsertDirect: the same events through InsertEvents without the bus.
//
//	VITRINE_TEST_POSTGRES=... go test ./internal/bus -run '^$' -bench . -benchtime 40x
func BenchmarkWriterDrain(b *testing.B) {
	cfg := testConfig(b)
	db := storetest.OpenPostgres(b)
	bs := openBus(b, cfg, true)
	ctx := context.Background()
	a := newInstall(b, db)
	for i := 0; i < b.N; i++ {
		if err := bs.Publish(ctx, a, makeEvents(a, "shop.example", 500)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	reg := metrics.NewRegistry()
	w, err := bs.StartWriter(ctx, db, WriterConfig{}, reg, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close(ctx)
	waitEmpty(b, bs, 10*time.Minute)
	b.ReportMetric(float64(b.N*500)/time.Since(start).Seconds(), "events/s")
	if testing.Verbose() {
		var out strings.Builder
		reg.Write(&out)
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.Contains(l, "_sum") || strings.Contains(l, "_count") {
				b.Log(l)
			}
		}
	}
}

func BenchmarkInsertDirect(b *testing.B) {
	db := storetest.OpenPostgres(b)
	ctx := context.Background()
	a := newInstall(b, db)
	batches := make([][]vitrine.Event, b.N)
	for i := range batches {
		batches[i] = makeEvents(a, "shop.example", 500)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i += 10 {
		var evs []vitrine.Event
		for j := i; j < min(i+10, b.N); j++ {
			evs = append(evs, batches[j]...)
		}
		if _, err := db.InsertEvents(ctx, evs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*500)/time.Since(start).Seconds(), "events/s")
}
