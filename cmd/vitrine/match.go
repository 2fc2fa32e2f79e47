package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/vitrine/vitrine/internal/match"
)

// cmdMatch trains and evaluates the product matcher on public benchmarks.
func cmdMatch(ctx context.Context, env *Env, args []string) error {
	const usage = "vitrine match train DIR... --out MODEL | eval DIR [--model MODEL] | lookup --catalog B.csv --queries A.csv --gold G.csv [--model MODEL]"
	if len(args) == 0 {
		return usageError{"want a subcommand: train, eval or lookup; " + usage}
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "train":
		fs := flagSet(env, "match train", "vitrine match train DIR... --out MODEL")
		out := fs.String("out", "", "where to write the model (JSON)")
		dirs, err := parseInterleaved(fs, env, rest)
		if err != nil {
			return err
		}
		if *out == "" || len(dirs) == 0 {
			return usageError{"give one or more DeepMatcher folders (tableA.csv, tableB.csv, train.csv, valid.csv) and --out MODEL"}
		}
		return match.RunTrain(dirs, *out, env.Stdout)
	case "eval":
		fs := flagSet(env, "match eval", "vitrine match eval DIR [--model MODEL]")
		model := fs.String("model", "", "model file from 'vitrine match train' (default: the built-in model)")
		live := fs.Bool("live", false, "score each pair as /v1/compare does, one page at a time (the built-in live model)")
		dirs, err := parseInterleaved(fs, env, rest)
		if err != nil {
			return err
		}
		if len(dirs) != 1 {
			return usageError{"give one folder holding tableA.csv, tableB.csv and test.csv"}
		}
		if *live {
			_, err = match.RunEvalLive(dirs[0], *model, env.Stdout)
			return err
		}
		_, err = match.RunEval(dirs[0], *model, env.Stdout)
		return err
	case "lookup":
		fs := flagSet(env, "match lookup", "vitrine match lookup --catalog B.csv --queries A.csv --gold G.csv [--model MODEL]")
		catalog := fs.String("catalog", "", "the catalog table (CSV)")
		queries := fs.String("queries", "", "the query table (CSV): each row is looked up in the catalog")
		gold := fs.String("gold", "", "the true mapping (CSV with two id columns)")
		model := fs.String("model", "", "model file (default: the built-in model)")
		live := fs.Bool("live", false, "look each query up alone, as /v1/compare does (the built-in live model and matcher)")
		if err := parse(fs, env, rest); err != nil {
			return err
		}
		if *catalog == "" || *queries == "" || *gold == "" {
			return usageError{"--catalog, --queries and --gold are required"}
		}
		if *live {
			_, err := match.RunLookupLive(*catalog, *queries, *gold, *model, match.LookupOptions{}, env.Stdout)
			return err
		}
		_, err := match.RunLookupModel(*catalog, *queries, *gold, *model, match.LookupOptions{}, env.Stdout)
		return err
	}
	return usageError{fmt.Sprintf("unknown match subcommand %q; %s", sub, usage)}
}

// parseInterleaved parses flags that may come before or after the
// positional arguments ("train DIR1 DIR2 --out M").
func parseInterleaved(fs *flag.FlagSet, env *Env, args []string) ([]string, error) {
	var pos, flags []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	if err := parse(fs, env, flags); err != nil {
		return nil, err
	}
	return append(pos, fs.Args()...), nil
}
