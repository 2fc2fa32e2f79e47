package feed_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vitrine/vitrine/internal/feed"
)

func ExampleReader() {
	const tsv = "id\ttitle\tprice\tavailability\n" +
		"A1\tDesk lamp\t25.00 USD\tin stock\n" +
		"A2\tChair\tabc\tin stock\n" +
		"A3\tTable\t120 EUR\tbackorder\n"
	r, err := feed.NewReader(strings.NewReader(tsv), "feed.tsv", feed.TSV)
	if err != nil {
		panic(err)
	}
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		var bad *feed.RowError
		if errors.As(err, &bad) {
			fmt.Println("skipped:", bad)
			continue
		}
		if err != nil {
			panic(err) // fatal: the reader is done
		}
		fmt.Println(rec.Line, rec.Item.ID, rec.Item.Offer.Price, rec.Item.Offer.Availability)
	}
	// Output:
	// 2 A1 25.00 USD in_stock
	// skipped: feed.tsv:3: column price: price "abc": want an amount and an ISO 4217 currency, like "15.00 USD"
	// 4 A3 120.00 EUR backorder
}
