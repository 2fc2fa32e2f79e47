package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vitrine/vitrine/internal/reco"
)

const recoUsage = "vitrine reco eval --train FILE --test FILE [--algo NAME|all] [--set key=value,...] [--cutoff 20] [--workers N]"

// cmdReco trains next-item recommenders on session-rec TSV files and
// evaluates them with session-rec's next-item protocol.
func cmdReco(ctx context.Context, env *Env, args []string) error {
	fs := flagSet(env, "reco eval", recoUsage)
	train := fs.String("train", "", "training sessions (session-rec TSV: SessionId ItemId Time)")
	test := fs.String("test", "", "test sessions, same format; never used for training")
	var names []string
	for _, a := range reco.Algorithms() {
		names = append(names, a.Name)
	}
	algo := fs.String("algo", reco.Default, "algorithm: "+strings.Join(names, ", ")+", or all")
	set := fs.String("set", "", "override parameters of --algo, e.g. k=200,sample_size=1000")
	cutoff := fs.Int("cutoff", 20, "N of HR@N and MRR@N")
	workers := fs.Int("workers", min(2, runtime.GOMAXPROCS(0)), "evaluation goroutines (results do not depend on it)")
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fs.Usage()
		return flag.ErrHelp
	}
	if len(args) == 0 || args[0] != "eval" {
		return usageError{"want 'vitrine reco eval --train FILE --test FILE'"}
	}
	if err := parse(fs, env, args[1:]); err != nil {
		return err
	}
	if *train == "" || *test == "" {
		return usageError{"--train FILE and --test FILE are required"}
	}
	if err := positiveInt("cutoff", *cutoff, 1000); err != nil {
		return err
	}
	if err := positiveInt("workers", *workers, 256); err != nil {
		return err
	}
	opts, err := reco.ParseOptions(*set)
	if err != nil {
		return usageError{"--set: " + err.Error()}
	}
	run := []string{*algo}
	if *algo == "all" {
		if len(opts) > 0 {
			return usageError{"--set needs a single --algo"}
		}
		run = nil
		for _, n := range names {
			if n != reco.Default {
				run = append(run, n)
			}
		}
		run = append(run, reco.Default)
	}

	for _, name := range run {
		if name == *algo {
			if err := reco.Check(name, opts); err != nil {
				return usageError{err.Error()}
			}
		}
	}

	t0 := time.Now()
	trainS, err := reco.LoadFile(*train)
	if err != nil {
		return err
	}
	testS, err := reco.LoadFile(*test)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "train %s: %d sessions, %d clicks\ntest  %s: %d sessions, %d clicks, %d next-item targets\nloaded in %s\n",
		*train, len(trainS), clicks(trainS), *test, len(testS), clicks(testS), clicks(testS)-len(testS), time.Since(t0).Round(time.Millisecond))

	type row struct {
		name, desc  string
		hr, mrr     float64
		train, eval time.Duration
	}
	var rows []row
	for _, name := range run {
		o := reco.Options{}
		if name == *algo {
			o = opts
		}
		t1 := time.Now()
		m, err := reco.Train(name, o, trainS)
		if err != nil {
			return usageError{err.Error()}
		}
		trainDur := time.Since(t1)
		fmt.Fprintf(env.Stderr, "%s: trained in %s, evaluating %d sessions\n", m.Name(), trainDur.Round(time.Millisecond), len(testS))
		res, err := reco.Evaluate(ctx, m, testS, *cutoff, *workers, func(done, total int) {
			if done%1000 == 0 || done == total {
				fmt.Fprintf(env.Stderr, "  %s: %d/%d sessions\n", name, done, total)
			}
		})
		if err != nil {
			return err
		}
		rows = append(rows, row{name, m.Name(), res.HR(), res.MRR(), trainDur, res.Elapsed})
	}

	fmt.Fprintln(env.Stdout)
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "algorithm\tHR@%d\tMRR@%d\ttrain\teval\n", *cutoff, *cutoff)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%s\t%s\n", r.name, r.hr, r.mrr, r.train.Round(time.Millisecond), r.eval.Round(time.Millisecond))
	}
	tw.Flush()
	fmt.Fprintln(env.Stdout)
	for _, r := range rows {
		fmt.Fprintf(env.Stdout, "%s\n", r.desc)
	}
	last := rows[len(rows)-1]
	fmt.Fprintf(env.Stdout, "hr@%d=%.4f mrr@%d=%.4f\n", *cutoff, last.hr, *cutoff, last.mrr)
	return nil
}

func clicks(ss []reco.Session) int {
	n := 0
	for _, s := range ss {
		n += len(s.Items)
	}
	return n
}
