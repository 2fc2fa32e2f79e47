package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/feed"
	"github.com/vitrine/vitrine/internal/progress"
)

// maxListedRejects bounds how many rejected rows --skip-invalid prints one by one.
const maxListedRejects = 100

func cmdImport(ctx context.Context, env *Env, args []string) error {
	var c Config
	fs := flagSet(env, "import", "vitrine import [--db ...] [--skip-invalid] FILE...")
	addDBFlag(fs, &c)
	fs.BoolVar(&c.SkipInvalid, "skip-invalid", false, "import the valid rows and list the rejected ones, instead of aborting on the first bad row")
	fs.IntVar(&c.BatchSize, "batch", 1000, "rows per database batch")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if err := positiveInt("batch", c.BatchSize, 100000); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return usageError{"no FILE given"}
	}
	var total int64
	for _, f := range files {
		if _, err := feed.FormatFromPath(f); err != nil {
			return usageError{err.Error()}
		}
		st, err := os.Stat(f)
		if err != nil {
			return fmt.Errorf("%w", err)
		}
		if st.IsDir() {
			return usageError{fmt.Sprintf("%s is a directory", f)}
		}
		total += st.Size()
	}
	db, err := openDB(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()

	start := time.Now()
	im, err := db.BeginImport(ctx, start)
	if err != nil {
		return err
	}
	defer im.Rollback()
	var stats vitrine.ImportStats
	bar := progress.New(env.Stderr, "import", total)
	var done int64
	rows := 0
	batch := make([]vitrine.Item, 0, c.BatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		st, err := im.Upsert(ctx, batch)
		if err != nil {
			return err
		}
		stats.Imported += st.Imported
		stats.Updated += st.Updated
		stats.Unchanged += st.Unchanged
		stats.History += st.History
		batch = batch[:0]
		return nil
	}
	abort := func(reason string) error {
		bar.Done(done, rows)
		im.Rollback()
		fmt.Fprintf(env.Stderr, "%s\nimport aborted: nothing was changed in the catalog\n", reason)
		fmt.Fprintf(env.Stdout, "imported=0 updated=0 unchanged=0 rejected=%d\n", max(stats.Rejected, 1))
		return errReported
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return abort(err.Error())
		}
		format, _ := feed.FormatFromPath(name)
		r, err := feed.NewReader(f, name, format)
		if err != nil {
			f.Close()
			return abort(err.Error())
		}
		base := done
		for {
			if err := ctx.Err(); err != nil {
				f.Close()
				return abort("interrupted")
			}
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			var rowErr *feed.RowError
			if errors.As(err, &rowErr) {
				stats.Rejected++
				if !c.SkipInvalid {
					f.Close()
					return abort("rejected " + rowErr.Error())
				}
				if stats.Rejected <= maxListedRejects {
					if bar.TTY {
						fmt.Fprint(env.Stderr, "\r\x1b[K")
					}
					fmt.Fprintf(env.Stderr, "rejected %s\n", rowErr.Error())
				}
				continue
			}
			if err != nil {
				f.Close()
				return abort(err.Error())
			}
			rows++
			batch = append(batch, rec.Item)
			if len(batch) == c.BatchSize {
				if err := flush(); err != nil {
					f.Close()
					return abort(fmt.Sprintf("%s: %s", name, errorText(err)))
				}
			}
			done = base + r.BytesRead()
			bar.Update(done, rows)
		}
		f.Close()
		if err := flush(); err != nil {
			return abort(fmt.Sprintf("%s: %s", name, errorText(err)))
		}
	}
	if err := im.Commit(); err != nil {
		return abort(err.Error())
	}
	bar.Done(total, rows)
	if stats.Rejected > maxListedRejects {
		fmt.Fprintf(env.Stderr, "... and %d more rejected rows\n", stats.Rejected-maxListedRejects)
	}
	el := time.Since(start)
	fmt.Fprintf(env.Stdout, "rows=%d in %s (%.0f rows/s), price history points added: %d, peak memory %.0f MiB\n",
		rows, el.Round(time.Millisecond), float64(rows)/max(el.Seconds(), 1e-9), stats.History, peakRSSMiB())
	fmt.Fprintf(env.Stdout, "imported=%d updated=%d unchanged=%d rejected=%d\n", stats.Imported, stats.Updated, stats.Unchanged, stats.Rejected)
	return nil
}
