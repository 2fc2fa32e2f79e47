package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/vitrine/vitrine/internal/synth"
)

// cmdGenerate writes synthetic data for benchmarks and load tests.
func cmdGenerate(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "feed" {
		return usageError{"want 'vitrine generate feed --rows N --out FILE'"}
	}
	fs := flagSet(env, "generate feed", "vitrine generate feed --rows N [--seed S] [--change-every K] --out FILE.tsv")
	rows := fs.Int("rows", 1000, "number of products")
	seed := fs.Uint64("seed", 1, "random seed: equal seeds give equal feeds")
	changeEvery := fs.Int("change-every", 0, "lower the price of every K-th product by 10% (0: none)")
	out := fs.String("out", "", "output file (Merchant Center TSV)")
	if err := parse(fs, env, args[1:]); err != nil {
		return err
	}
	if err := positiveInt("rows", *rows, 100_000_000); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out FILE is required"}
	}
	if *changeEvery < 0 {
		return usageError{"--change-every must be >= 0"}
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := (synth.Generator{Seed: *seed}).WriteTSV(f, *rows, *changeEvery); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	st, _ := os.Stat(*out)
	fmt.Fprintf(env.Stdout, "wrote %s in %s\nrows=%d bytes=%d\n", *out, time.Since(start).Round(time.Millisecond), *rows, st.Size())
	return nil
}
