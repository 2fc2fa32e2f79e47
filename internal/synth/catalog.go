// Package synth generates synthetic catalogs and feeds for benchmarks and
// load tests: deterministic, realistic in shape (brands, model numbers,
// numeric attributes, valid GTINs, prices by category), and of any size.
package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

type category struct {
	name, gpc string
	nouns     []string
	attrs     [][]string // one value list per attribute slot, rendered in the title
	lo, hi    int        // price range in whole units
}

var categories = []category{
	{"TV", "Electronics > Video > Televisions", []string{"4K UHD Smart TV", "QLED TV", "OLED TV", "LED TV"}, [][]string{{`43"`, `50"`, `55"`, `65"`, `75"`, `85"`}}, 199, 2999},
	{"Laptop", "Electronics > Computers > Laptops", []string{"Laptop", "Notebook", "Ultrabook", "2-in-1 Laptop"}, [][]string{{"8GB RAM", "16GB RAM", "32GB RAM"}, {"256GB SSD", "512GB SSD", "1TB SSD"}, {`13.3"`, `14"`, `15.6"`, `16"`}}, 349, 2799},
	{"Phone", "Electronics > Communications > Telephony > Mobile Phones", []string{"Smartphone", "5G Smartphone", "Unlocked Phone"}, [][]string{{"64GB", "128GB", "256GB", "512GB"}, {"Black", "Blue", "Silver", "Green"}}, 99, 1599},
	{"Headphones", "Electronics > Audio > Headphones", []string{"Wireless Headphones", "Noise Cancelling Headphones", "Earbuds", "Gaming Headset"}, [][]string{{"Black", "White", "Navy"}}, 19, 499},
	{"Camera", "Cameras & Optics > Cameras > Digital Cameras", []string{"Mirrorless Camera", "DSLR Camera", "Compact Camera"}, [][]string{{"24.2MP", "20.1MP", "45MP"}, {"Body Only", "with 18-55mm Lens", "with 24-105mm Lens"}}, 299, 3999},
	{"Drill", "Hardware > Tools > Drills", []string{"Cordless Drill Driver", "Hammer Drill", "Impact Driver"}, [][]string{{"18V", "20V", "12V"}, {"1/2 in.", "1/4 in.", "3/8 in."}}, 49, 399},
	{"Blender", "Home & Garden > Kitchen & Dining > Kitchen Appliances > Blenders", []string{"Blender", "Personal Blender", "Stand Mixer", "Food Processor"}, [][]string{{"600W", "1000W", "1200W", "1500W"}, {"48 oz", "64 oz", "72 oz"}}, 29, 599},
	{"Shoe", "Apparel & Accessories > Shoes", []string{"Running Shoe", "Trail Running Shoe", "Sneaker", "Hiking Boot"}, [][]string{{"Size 8", "Size 9", "Size 10", "Size 11"}, {"Black", "Grey", "Blue", "Red"}}, 39, 249},
}

var brands = []string{"Sonix", "Samsara", "Lumina", "Vertex", "Nordwell", "Kestrel", "Orbis", "Halcyon", "Tamarack", "Zephyr",
	"Brightline", "Corvid", "Ember", "Fjord", "Granite", "Helix", "Ionic", "Juniper", "Kinetic", "Lyra"}

// Product is one generated product.
type Product struct {
	ID, Title, Brand, MPN, GTIN, Category, Description string
	PriceCents                                         int64
	Availability                                       string
}

// Generator produces products deterministically from a seed.
type Generator struct {
	Seed uint64
}

// Product returns the i-th product (i >= 0). Equal seeds and i give equal products.
func (g Generator) Product(i int) Product {
	r := rand.New(rand.NewPCG(g.Seed, uint64(i)))
	c := categories[r.IntN(len(categories))]
	brand := brands[r.IntN(len(brands))]
	prefix := strings.ToUpper(brand[:2])
	mpn := fmt.Sprintf("%s-%d%c%d", prefix, 100+r.IntN(9900), 'A'+rune(r.IntN(26)), r.IntN(10))
	parts := []string{brand, c.nouns[r.IntN(len(c.nouns))], mpn}
	for _, vals := range c.attrs {
		parts = append(parts, vals[r.IntN(len(vals))])
	}
	title := strings.Join(parts[:2], " ") + " " + strings.Join(parts[3:], ", ") + " (" + mpn + ")"
	price := int64(c.lo+r.IntN(c.hi-c.lo))*100 + []int64{99, 95, 0, 49}[r.IntN(4)]
	avail := "in_stock"
	if r.IntN(20) == 0 {
		avail = "out_of_stock"
	}
	return Product{
		ID:           fmt.Sprintf("SKU%08d", i),
		Title:        title,
		Brand:        brand,
		MPN:          mpn,
		GTIN:         GTIN13(uint64(i) + 4000000000),
		Category:     c.gpc,
		Description:  fmt.Sprintf("%s %s by %s, model %s.", c.nouns[0], strings.Join(parts[3:], " "), brand, mpn),
		PriceCents:   price,
		Availability: avail,
	}
}

// GTIN13 returns a valid EAN-13 built from a 12-digit body (n modulo 10^12) with prefix 0.
func GTIN13(n uint64) string {
	body := fmt.Sprintf("%012d", n%1_000_000_000_000)
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(body[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return body + string(rune('0'+(10-sum%10)%10))
}

// WriteTSV writes n products as a Merchant Center TSV feed. Every
// changeEvery-th product (when > 0) has its price lowered by 10%, so a
// second feed with a different changeEvery differs in exactly those rows.
func (g Generator) WriteTSV(w io.Writer, n int, changeEvery int) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintln(bw, "id\ttitle\tdescription\tlink\timage_link\tprice\tavailability\tbrand\tgtin\tmpn\tcondition\tgoogle_product_category")
	for i := range n {
		p := g.Product(i)
		price := p.PriceCents
		if changeEvery > 0 && i%changeEvery == 0 {
			price = price * 9 / 10
		}
		fmt.Fprintf(bw, "%s\t%s\t%s\thttps://shop.example/p/%s\thttps://shop.example/img/%s.jpg\t%d.%02d USD\t%s\t%s\t%s\t%s\tnew\t%s\n",
			p.ID, p.Title, p.Description, p.ID, p.ID, price/100, price%100, p.Availability, p.Brand, p.GTIN, p.MPN, p.Category)
	}
	return bw.Flush()
}
