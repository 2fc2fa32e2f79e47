package demo

import (
	"fmt"
	"strings"

	"github.com/vitrine/vitrine"
)

// Google product categories and the store's own product types.
const (
	catTV         = "Electronics > Video > Televisions"
	catLaptop     = "Electronics > Computers > Laptops"
	catPhone      = "Electronics > Communications > Telephony > Mobile Phones"
	catHeadphones = "Electronics > Audio > Audio Components > Headphones & Headsets > Headphones"
	catCamera     = "Cameras & Optics > Cameras > Digital Cameras"
	catVideoCam   = "Cameras & Optics > Cameras > Video Cameras"
	catLens       = "Cameras & Optics > Camera & Optic Accessories > Camera & Video Camera Lenses > Camera Lenses"
	catKitchen    = "Home & Garden > Kitchen & Dining > Kitchen Appliances"
	catTools      = "Hardware > Tools"
	catBooks      = "Media > Books > Print Books"
	catShoes      = "Apparel & Accessories > Shoes"
	catClothing   = "Apparel & Accessories > Clothing"
	catFurniture  = "Furniture"
	catHome       = "Home & Garden"
)

// opt is one option of a product line: a colour, a size or a configuration.
// Code goes into the MPN in place of "{c}".
type opt struct {
	label string
	code  string
}

// opts parses "Label=CODE" pairs; a pair without "=" has an empty code.
func opts(s ...string) []opt {
	out := make([]opt, len(s))
	for i, v := range s {
		l, c, _ := strings.Cut(v, "=")
		out[i] = opt{label: l, code: c}
	}
	return out
}

// nextID returns the next id with the given prefix: "tv-001", "tv-002"...
func (b *builder) nextID(prefix string) string {
	for n := 1; ; n++ {
		id := fmt.Sprintf("%s-%03d", prefix, n)
		if !b.ids[id] {
			return id
		}
	}
}

// code fills a pattern: '#' becomes a random digit and '@' a random upper
// case letter (without I and O, as model numbers avoid them).
func (b *builder) code(pattern string) string {
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	var sb strings.Builder
	for _, c := range pattern {
		switch c {
		case '#':
			sb.WriteByte(byte('0' + b.rng.IntN(10)))
		case '@':
			sb.WriteByte(letters[b.rng.IntN(len(letters))])
		default:
			sb.WriteRune(c)
		}
	}
	return sb.String()
}

// colorLine adds one product per colour (or one product when there are no
// colours): "{brand} {name}, {colour}".
func (b *builder) colorLine(prefix, cat, ptype, brand, name, mpn string, c int64, desc string, colors ...string) {
	os := opts(colors...)
	if len(os) == 0 {
		os = []opt{{}}
	}
	for _, o := range os {
		title := brand + " " + name
		if o.label != "" {
			title += ", " + o.label
		}
		it := b.add(b.nextID(prefix), brand, title, strings.ReplaceAll(mpn, "{c}", o.code), c)
		it.Category, it.ProductType = cat, ptype
		it.Description = desc
		if o.label != "" {
			it.Description += " Colour: " + o.label + "."
			it.Attributes = attrs("color", o.label)
		}
	}
}

func (b *builder) televisions() {
	type line struct {
		brand, name, model, panel string
		year                      int
		p55                       int64 // price of the 55" model, in cents
		sizes                     []int
	}
	lines := []line{
		{"Samsung", "Crystal UHD DU7200 4K Smart Tizen TV", "UN%dDU7200DXZA", "LED", 2024, 42999, []int{43, 55, 65, 75}},
		{"Samsung", "Q80D QLED 4K Smart Tizen TV", "QN%dQ80DAFXZA", "QLED", 2024, 99999, []int{55, 65, 75}},
		{"LG", "B4 Series OLED evo 4K Smart webOS TV", "OLED%dB4PUA", "OLED", 2024, 129999, []int{55, 65, 77}},
		{"LG", "UT80 Series 4K UHD Smart webOS TV", "%dUT8000PUA", "LED", 2024, 39999, []int{43, 50, 65}},
		{"Sony", "BRAVIA 3 4K HDR LED Google TV", "K-%dS30", "LED", 2024, 64999, []int{50, 55, 65, 85}},
		{"Sony", "BRAVIA 8 OLED 4K HDR Google TV", "K-%dXR80", "OLED", 2024, 169999, []int{55, 65}},
		{"TCL", "Q65 QLED 4K Smart Google TV", "%dQ651G", "QLED", 2024, 34999, []int{43, 55, 65, 75, 85}},
		{"Hisense", "U8 Series Mini-LED ULED 4K Google TV", "%dU8N", "Mini-LED", 2024, 89999, []int{55, 65, 75}},
		{"Vizio", "V-Series 4K HDR Smart TV", "V%d4M-K01", "LED", 2023, 32999, []int{43, 50, 55}},
	}
	factor := map[int]float64{43: .62, 50: .8, 55: 1, 65: 1.4, 75: 2, 77: 2.3, 85: 2.9}
	for _, l := range lines {
		for _, sz := range l.sizes {
			mpn := fmt.Sprintf(l.model, sz)
			title := fmt.Sprintf("%s %d\" Class %s %s (%d)", l.brand, sz, l.name, mpn, l.year)
			it := b.add(b.nextID("tv"), l.brand, title, mpn, scale(l.p55, factor[sz]))
			it.Category = catTV
			it.ProductType = "TV & Video > TVs > " + l.panel + " TVs"
			it.Description = fmt.Sprintf("The %s %s puts a %d-inch class 4K Ultra HD %s panel with HDR10 and HLG, "+
				"built-in streaming apps, voice assistant support and three HDMI inputs in a slim design. Model %s.",
				l.brand, l.name, sz, l.panel, mpn)
			it.Attributes = attrs("screen_size", fmt.Sprintf("%d in", sz), "resolution", "4K UHD (3840 x 2160)",
				"display_technology", l.panel, "color", "Black")
		}
	}
}

func (b *builder) laptops() {
	type cfg struct {
		cpu, ram, ssd string
		c             int64
	}
	type line struct {
		brand, name, screen, mpn, os string
		colors                       []string
		cfgs                         []cfg
	}
	lines := []line{
		{"Apple", "2024 MacBook Air 13-inch Laptop with M3 chip", "13.6-inch Liquid Retina Display", "M@@#3LL/A", "macOS",
			[]string{"Midnight", "Starlight"}, []cfg{{"Apple M3 8-core CPU", "16GB", "256GB", 109900}, {"Apple M3 8-core CPU", "16GB", "512GB", 129900}, {"Apple M3 8-core CPU", "24GB", "512GB", 149900}}},
		{"Apple", "2023 MacBook Pro 14-inch Laptop with M3 Pro chip", "14.2-inch Liquid Retina XDR Display", "MR@#3LL/A", "macOS",
			[]string{"Space Black", "Silver"}, []cfg{{"Apple M3 Pro 11-core CPU", "18GB", "512GB", 199900}, {"Apple M3 Pro 12-core CPU", "18GB", "1TB", 239900}}},
		{"Dell", "XPS 13 9340 Laptop", "13.4\" FHD+ InfinityEdge", "XPS9340-7###SLV-PUS", "Windows 11 Home",
			[]string{"Platinum"}, []cfg{{"Intel Core Ultra 7 155H", "16GB", "512GB", 129999}, {"Intel Core Ultra 7 155H", "32GB", "1TB", 169999}}},
		{"Dell", "Inspiron 15 3530 Laptop", "15.6\" FHD 120Hz", "I3530-5###BLK-PUS", "Windows 11 Home",
			[]string{"Carbon Black"}, []cfg{{"Intel Core i5-1335U", "8GB", "512GB", 54999}, {"Intel Core i7-1355U", "16GB", "1TB", 69999}}},
		{"HP", "Pavilion 15-eg3 Laptop", "15.6\" FHD IPS", "7@#@#UA#ABA", "Windows 11 Home",
			[]string{"Natural Silver"}, []cfg{{"Intel Core i5-1335U", "8GB", "512GB", 59999}, {"Intel Core i7-1355U", "16GB", "512GB", 74999}}},
		{"HP", "ENVY x360 2-in-1 Laptop 14-fc0", "14\" 2.8K OLED Touch", "8@#@#UA#ABA", "Windows 11 Home",
			[]string{"Meteor Silver"}, []cfg{{"AMD Ryzen 7 8840HS", "16GB", "1TB", 99999}}},
		{"Lenovo", "ThinkPad X1 Carbon Gen 12 Laptop", "14\" WUXGA IPS", "21KC00##US", "Windows 11 Pro",
			[]string{"Black"}, []cfg{{"Intel Core Ultra 7 155U", "16GB", "512GB", 179999}, {"Intel Core Ultra 7 165U", "32GB", "1TB", 219999}}},
		{"Lenovo", "IdeaPad Slim 5 16AHP9 Laptop", "16\" WUXGA OLED", "83DD00##US", "Windows 11 Home",
			[]string{"Cloud Grey"}, []cfg{{"AMD Ryzen 7 8845HS", "16GB", "512GB", 74999}, {"AMD Ryzen 7 8845HS", "16GB", "1TB", 82999}}},
		{"ASUS", "Zenbook 14 OLED UX3405 Laptop", "14\" 3K OLED 120Hz", "UX3405MA-@@###", "Windows 11 Home",
			[]string{"Ponder Blue"}, []cfg{{"Intel Core Ultra 5 125H", "16GB", "512GB", 89999}, {"Intel Core Ultra 7 155H", "16GB", "1TB", 109999}}},
		{"ASUS", "ROG Zephyrus G14 (2024) Gaming Laptop", "14\" 3K OLED 120Hz", "GA403U@-@@###", "Windows 11 Home",
			[]string{"Eclipse Gray"}, []cfg{{"AMD Ryzen 9 8945HS, NVIDIA GeForce RTX 4060", "16GB", "1TB", 159999}, {"AMD Ryzen 9 8945HS, NVIDIA GeForce RTX 4070", "32GB", "1TB", 199999}}},
		{"Acer", "Aspire 5 A515-58M Slim Laptop", "15.6\" FHD IPS", "NX.K@@AA.00#", "Windows 11 Home",
			[]string{"Steel Gray"}, []cfg{{"Intel Core i5-1335U", "8GB", "512GB", 49999}, {"Intel Core i5-1335U", "16GB", "512GB", 57999}}},
		{"Acer", "Swift Go 14 SFG14-72 Laptop", "14\" 2.8K OLED", "NX.KM@AA.00#", "Windows 11 Home",
			[]string{"Pure Silver"}, []cfg{{"Intel Core Ultra 5 125H", "16GB", "512GB", 79999}}},
		{"Microsoft", "Surface Laptop, 7th Edition, Copilot+ PC", "13.8\" PixelSense Touchscreen", "ZG@-000##", "Windows 11 Home",
			[]string{"Platinum"}, []cfg{{"Snapdragon X Plus", "16GB", "256GB", 99999}, {"Snapdragon X Elite", "16GB", "512GB", 129999}}},
	}
	for _, l := range lines {
		for _, col := range l.colors {
			for _, c := range l.cfgs {
				var title string
				if l.brand == "Apple" {
					title = fmt.Sprintf("Apple %s, %s, %s Unified Memory, %s SSD Storage, %s", l.name, l.screen, c.ram, c.ssd, col)
				} else {
					title = fmt.Sprintf("%s %s, %s, %s, %s RAM, %s SSD, %s, %s", l.brand, l.name, l.screen, c.cpu, c.ram, c.ssd, l.os, col)
				}
				it := b.add(b.nextID("lap"), l.brand, title, b.code(l.mpn), c.c)
				it.Category = catLaptop
				it.ProductType = "Computers > Laptops"
				it.Description = fmt.Sprintf("%s %s with %s, %s of memory and a %s SSD. %s, %s.",
					l.brand, l.name, c.cpu, c.ram, c.ssd, l.screen, l.os)
				it.Attributes = attrs("color", col, "memory", c.ram, "storage", c.ssd, "processor", c.cpu)
			}
		}
	}
	it := b.add(b.nextID("lap"), "Apple", "Apple 2022 MacBook Air 13-inch Laptop with M2 chip, 8GB RAM, 256GB SSD, Space Gray (Renewed)", "MLXW3LL/A", 64999)
	it.Category, it.ProductType = catLaptop, "Computers > Laptops > Renewed"
	it.Condition = vitrine.ConditionRefurbished
	it.Description = "Renewed Apple MacBook Air with M2 chip, inspected and tested to work and look like new, with a 90-day warranty."
	it.Attributes = attrs("color", "Space Gray", "memory", "8GB", "storage", "256GB")
}

func (b *builder) phones() {
	type line struct {
		brand, name, mpn string
		storage          []string
		prices           []int64 // per storage, cents
		colors           []string
		amazonStyle      bool
	}
	lines := []line{
		{"Apple", "iPhone 15", "MTL@3LL/A", []string{"128GB", "256GB"}, []int64{79900, 89900}, []string{"Black", "Blue"}, false},
		{"Apple", "iPhone 15 Pro", "MTU@3LL/A", []string{"128GB", "256GB", "512GB"}, []int64{99900, 109900, 129900}, []string{"Natural Titanium", "Black Titanium"}, false},
		{"Samsung", "Galaxy S24", "SM-S921U@@@XAA", []string{"128GB", "256GB"}, []int64{79999, 85999}, []string{"Onyx Black", "Marble Gray"}, true},
		{"Samsung", "Galaxy S24 Ultra", "SM-S928U@@@XAA", []string{"256GB", "512GB"}, []int64{129999, 141999}, []string{"Titanium Gray"}, true},
		{"Samsung", "Galaxy A35 5G", "SM-A356U@@@XAA", []string{"128GB"}, []int64{39999}, []string{"Awesome Navy", "Awesome Iceblue"}, true},
		{"Google", "Pixel 8", "GA04###-US", []string{"128GB", "256GB"}, []int64{69900, 75900}, []string{"Obsidian", "Hazel"}, true},
		{"Google", "Pixel 8a", "GA05###-US", []string{"128GB"}, []int64{49900}, []string{"Obsidian", "Bay"}, true},
		{"Motorola", "moto g 5G (2024)", "PB1Q00##US", []string{"128GB"}, []int64{19999}, []string{"Sage Green"}, true},
		{"Motorola", "edge (2024)", "PB2E00##US", []string{"256GB"}, []int64{54999}, []string{"Midnight Blue"}, true},
		{"OnePlus", "12", "CPH2###", []string{"256GB", "512GB"}, []int64{79999, 89999}, []string{"Silky Black", "Flowy Emerald"}, true},
	}
	for _, l := range lines {
		for si, st := range l.storage {
			for _, col := range l.colors {
				var title string
				if l.amazonStyle {
					title = fmt.Sprintf("%s %s Cell Phone, %s, %s, Unlocked Android Smartphone", l.brand, l.name, st, col)
				} else {
					title = fmt.Sprintf("%s %s, %s, %s - Unlocked", l.brand, l.name, st, col)
				}
				it := b.add(b.nextID("ph"), l.brand, title, b.code(l.mpn), l.prices[si])
				it.Category = catPhone
				it.ProductType = "Cell Phones > Unlocked Phones"
				it.Description = fmt.Sprintf("%s %s with %s of storage in %s. Factory unlocked: works with all major US carriers. 5G, dual SIM (nano + eSIM), USB-C.",
					l.brand, l.name, st, col)
				it.Attributes = attrs("color", col, "storage", st)
			}
		}
	}
	for _, r := range []struct {
		brand, title, mpn, color string
		c                        int64
	}{
		{"Apple", "Apple iPhone 14, 128GB, Midnight - Unlocked (Renewed)", "MPUF3LL/A", "Midnight", 47999},
		{"Samsung", "Samsung Galaxy S23 5G, 128GB, Phantom Black - Unlocked (Renewed)", "SM-S911UZKAXAA", "Phantom Black", 44999},
	} {
		it := b.add(b.nextID("ph"), r.brand, r.title, r.mpn, r.c)
		it.Category, it.ProductType = catPhone, "Cell Phones > Renewed Phones"
		it.Condition = vitrine.ConditionRefurbished
		it.Description = "Renewed phone: professionally inspected, tested and cleaned, battery health at least 80%, with a 90-day warranty. Unlocked."
		it.Attributes = attrs("color", r.color, "storage", "128GB")
	}
}

func (b *builder) headphones() {
	const over, buds = "Headphones & Audio > Over-Ear Headphones", "Headphones & Audio > Earbuds"
	anc := "Industry-leading active noise cancellation, up to 30 hours of battery life, multipoint Bluetooth and clear hands-free calls."
	buds30 := "True wireless earbuds with active noise cancellation, a compact charging case with wireless charging, and IPX4 water resistance."
	b.colorLine("hp", catHeadphones, over, "Sony", "WH-1000XM5 Wireless Noise Cancelling Headphones", "WH1000XM5/{c}", 39999, anc, "Black=B", "Silver=S", "Midnight Blue=L")
	b.colorLine("hp", catHeadphones, buds, "Sony", "WF-1000XM5 Truly Wireless Noise Cancelling Earbuds", "WF1000XM5/{c}", 29999, buds30, "Black=B", "Silver=S")
	b.colorLine("hp", catHeadphones, over, "Sony", "WH-CH720N Wireless Noise Canceling Headphones", "WHCH720N/{c}", 14999, anc, "Black=B", "White=W", "Blue=L")
	b.colorLine("hp", catHeadphones, over, "Bose", "QuietComfort Ultra Wireless Noise Cancelling Headphones", "880066-{c}", 42900, anc, "Black=0100", "White Smoke=0200")
	b.colorLine("hp", catHeadphones, buds, "Bose", "QuietComfort Ultra Earbuds", "882826-{c}", 29900, buds30, "Black=0010", "White Smoke=0020")
	b.colorLine("hp", catHeadphones, buds, "Apple", "AirPods Pro (2nd Generation) Wireless Earbuds with MagSafe Charging Case (USB-C)", "MTJV3AM/A", 24900, buds30)
	b.colorLine("hp", catHeadphones, buds, "Apple", "AirPods 4 Wireless Earbuds with Active Noise Cancellation", "MXP93AM/A", 17900, buds30)
	b.colorLine("hp", catHeadphones, over, "Apple", "AirPods Max Wireless Over-Ear Headphones (USB-C)", "MWW{c}AM/A", 54900, anc, "Midnight=43", "Starlight=53", "Blue=63")
	b.colorLine("hp", catHeadphones, over, "Sennheiser", "MOMENTUM 4 Wireless Adaptive Noise-Cancelling Headphones", "M4AEBT {c}", 37995, anc, "Black=Black", "White=White")
	b.colorLine("hp", catHeadphones, over, "JBL", "Tune 760NC Wireless Over-Ear Noise Cancelling Headphones", "JBLT760NC{c}AM", 12995, anc, "Black=BLK", "Blue=BLU", "White=WHT")
	b.colorLine("hp", catHeadphones, over, "Beats", "Studio Pro Wireless Noise Cancelling Headphones", "MQTP{c}LL/A", 34999, anc, "Black=3", "Sandstone=4", "Navy=5")
	b.colorLine("hp", catHeadphones, over, "Audio-Technica", "ATH-M50x Professional Studio Monitor Headphones", "ATH-M50X", 14900,
		"Closed-back studio monitor headphones with 45 mm drivers, detachable cables and 90-degree swiveling earcups.", "Black")
	b.colorLine("hp", catHeadphones, over, "Audio-Technica", "ATH-M50xBT2 Wireless Over-Ear Headphones", "ATH-M50XBT2BK", 19900,
		"The studio sound of the M50x with Bluetooth 5.0, LDAC support and up to 50 hours of battery life.", "Black")
	b.colorLine("hp", catHeadphones, buds, "Jabra", "Elite 10 True Wireless Earbuds with Dolby Atmos", "100-99280{c}", 24999, buds30, "Titanium Black=700-98", "Cream=702-98")
	b.colorLine("hp", catHeadphones, over, "Skullcandy", "Crusher Evo Over-Ear Wireless Headphones with Sensory Bass", "S6EVW-N740", 19999,
		"Adjustable sensory bass you can feel, personal sound tuning and up to 40 hours of battery life.", "True Black")
}

func (b *builder) cameras() {
	const mirrorless, lenses, action = "Cameras > Mirrorless Cameras", "Cameras > Lenses", "Cameras > Action & Vlogging Cameras"
	cam := func(brand, name, kit, mpn string, c int64, color string) {
		title := brand + " " + name + " " + kit
		if color != "" {
			title += ", " + color
		}
		it := b.add(b.nextID("cam"), brand, title, mpn, c)
		it.Category, it.ProductType = catCamera, mirrorless
		it.Description = fmt.Sprintf("%s %s %s: fast hybrid autofocus with subject detection, 4K video and in-body stabilisation in a weather-sealed body.",
			brand, name, strings.ToLower(kit))
		if color != "" {
			it.Attributes = attrs("color", color)
		}
	}
	cam("Canon", "EOS R50 Mirrorless Camera", "Body Only", "5811C002", 67999, "Black")
	cam("Canon", "EOS R50 Mirrorless Camera", "with RF-S 18-45mm F4.5-6.3 IS STM Lens", "5811C012", 79999, "Black")
	cam("Canon", "EOS R50 Mirrorless Camera", "Body Only", "5812C002", 67999, "White")
	cam("Canon", "EOS R50 Mirrorless Camera", "with RF-S 18-45mm F4.5-6.3 IS STM Lens", "5812C012", 79999, "White")
	cam("Canon", "EOS R6 Mark II Full-Frame Mirrorless Camera", "Body Only", "5666C002", 249999, "")
	cam("Canon", "EOS R6 Mark II Full-Frame Mirrorless Camera", "with RF 24-105mm F4 L IS USM Lens", "5666C011", 359999, "")
	cam("Nikon", "Z f Full-Frame Mirrorless Camera", "Body Only", "1761", 199695, "")
	cam("Nikon", "Z f Full-Frame Mirrorless Camera", "with NIKKOR Z 40mm f/2 SE Lens", "1765", 229695, "")
	cam("Nikon", "Z50 II Mirrorless Camera", "Body Only", "1784", 90995, "")
	cam("Nikon", "Z50 II Mirrorless Camera", "with NIKKOR Z DX 16-50mm f/3.5-6.3 VR Lens", "1785", 109695, "")
	cam("Sony", "Alpha 7 IV Full-Frame Mirrorless Interchangeable Lens Camera", "Body Only", "ILCE7M4/B", 249799, "")
	cam("Sony", "Alpha 7 IV Full-Frame Mirrorless Interchangeable Lens Camera", "with FE 28-70mm F3.5-5.6 OSS Lens", "ILCE7M4K/B", 269799, "")
	cam("Sony", "ZV-E10 II Interchangeable Lens Vlog Camera", "Body Only", "ZVE10M2/B", 99999, "Black")
	cam("Sony", "ZV-E10 II Interchangeable Lens Vlog Camera", "with E PZ 16-50mm Lens", "ZVE10M2K/W", 109999, "White")
	cam("Fujifilm", "X-T5 Mirrorless Digital Camera", "Body Only", "16782301", 169900, "Black")
	cam("Fujifilm", "X-T5 Mirrorless Digital Camera", "Body Only", "16782325", 169900, "Silver")
	cam("Fujifilm", "X100VI Digital Camera", "with Fixed 23mm F2 Lens", "16821755", 159900, "Black")
	cam("Fujifilm", "X100VI Digital Camera", "with Fixed 23mm F2 Lens", "16821731", 159900, "Silver")
	cam("Panasonic", "LUMIX S5II Full-Frame Mirrorless Camera", "Body Only", "DC-S5M2BODY", 199799, "")

	act := func(brand, name, mpn string, c int64) {
		it := b.add(b.nextID("cam"), brand, brand+" "+name, mpn, c)
		it.Category, it.ProductType = catVideoCam, action
		it.Description = brand + " " + name + ": stabilised 4K video you can take anywhere, with a built-in screen, voice control and fast transfer to your phone."
	}
	act("GoPro", "HERO12 Black - Waterproof Action Camera with 5.3K60 Ultra HD Video, 27MP Photos", "CHDHX-121-RW", 34999)
	act("GoPro", "HERO12 Black Creator Edition - Includes Volta Battery Grip, Media Mod, Light Mod", "CHDFB-121-RW", 49999)
	act("DJI", "Osmo Pocket 3, Vlogging Camera with 1'' CMOS & 4K/120fps Video", "CP.OS.00000301.01", 51900)
	act("DJI", "Osmo Pocket 3 Creator Combo, Vlogging Camera with 1'' CMOS & 4K/120fps Video", "CP.OS.00000302.01", 66900)

	lens := func(brand, name, mpn string, c int64) {
		it := b.add(b.nextID("cam"), brand, brand+" "+name, mpn, c)
		it.Category, it.ProductType = catLens, lenses
		it.Description = brand + " " + name + ". Sharp, compact and quiet autofocus for photos and video."
	}
	lens("Canon", "RF 50mm F1.8 STM Lens", "4515C002", 19999)
	lens("Sony", "FE 50mm F1.8 Standard Lens", "SEL50F18F", 24800)
	lens("Sigma", "24-70mm F2.8 DG DN II Art Lens for Sony E-Mount", "579965", 129900)
}

func (b *builder) kitchen() {
	const small = "Kitchen > Small Appliances"
	mix := catKitchen + " > Food Mixers & Blenders"
	coffee := catKitchen + " > Coffee Makers & Espresso Machines"
	b.colorLine("kit", mix, small+" > Stand Mixers", "KitchenAid", "Artisan Series 5 Quart Tilt-Head Stand Mixer KSM150PS", "KSM150PS{c}", 44999,
		"Ten speeds, a 5-quart stainless steel bowl with comfortable handle, and a tilt-head design for easy access to the bowl. Includes flat beater, dough hook and wire whip.",
		"Empire Red=ER", "Onyx Black=OB", "Aqua Sky=AQ", "Contour Silver=CU")
	b.colorLine("kit", catKitchen+" > Food Processors", small+" > Food Processors", "KitchenAid", "7-Cup Food Processor KFP0718", "KFP0718{c}", 9999,
		"A 7-cup work bowl, three speeds plus pulse, and an easy-to-clean reversible slicing and shredding disc.", "Empire Red=ER", "Onyx Black=OB")
	b.colorLine("kit", mix, small+" > Blenders", "Ninja", "Professional Plus Blender with Auto-iQ, 72 oz. Pitcher, BN701", "BN701", 11999,
		"1400 peak watts and Total Crushing blades turn ice to snow in seconds; three Auto-iQ programs for smoothies, frozen drinks and ice cream.")
	b.colorLine("kit", catKitchen+" > Deep Fryers", small+" > Air Fryers", "Ninja", "Foodi 6-in-1 8-qt. 2-Basket Air Fryer with DualZone Technology, DZ201", "DZ201", 17999,
		"Two independent 4-quart baskets cook two foods two ways and finish at the same time. Air fry, roast, bake, reheat, dehydrate and broil.")
	b.colorLine("kit", catKitchen+" > Deep Fryers", small+" > Air Fryers", "Ninja", "AF101 Air Fryer that Crisps, Roasts, Reheats, & Dehydrates, 4 Quart", "AF101", 9999,
		"A 4-quart ceramic-coated basket fits 2 lbs of French fries; wide temperature range from 105°F to 400°F.", "Black/Gray")
	b.colorLine("kit", catKitchen+" > Deep Fryers", small+" > Air Fryers", "Cosori", "Pro LE Air Fryer L501, 5 Qt", "CAF-L501-K{c}US", 8999,
		"Compact 5-quart air fryer with nine one-touch functions, a shake reminder and a nonstick, dishwasher-safe basket.", "Gray=GY", "White=WH")
	b.colorLine("kit", coffee, small+" > Espresso Machines", "Breville", "Barista Express Espresso Machine BES870XL", "BES870{c}", 69995,
		"Grind, dose and extract in under a minute with the integrated conical burr grinder, precise PID temperature control and a powerful steam wand.",
		"Brushed Stainless Steel=XL", "Black Truffle=BTR1")
	b.colorLine("kit", coffee, small+" > Espresso Machines", "Breville", "Bambino Plus Espresso Machine BES500BSS", "BES500BSS", 49995,
		"Third-wave specialty coffee at home: 3-second heat up, automatic microfoam milk texturing and a 54 mm portafilter.", "Brushed Stainless Steel")
	b.colorLine("kit", catKitchen+" > Toasters & Grills > Countertop & Toaster Ovens", small+" > Toaster Ovens", "Breville", "Smart Oven Air Fryer Pro BOV900BSS", "BOV900BSS", 39995,
		"Thirteen cooking functions including air fry and dehydrate, Element iQ heating and a super convection setting, with room for a 14-lb turkey.", "Brushed Stainless Steel")
	b.colorLine("kit", coffee, small+" > Espresso Machines", "De'Longhi", "Dedica Deluxe Espresso Machine with Manual Milk Frother", "EC685{c}", 29995,
		"Only 6 inches wide, with a professional 15-bar pump, a thermoblock heating system and an adjustable milk frother for cappuccinos and lattes.",
		"Metal=M", "Black=BK")
	b.colorLine("kit", coffee, small+" > Coffee Makers", "Nespresso", "Vertuo Next Coffee and Espresso Machine by Breville", "ENV120{c}", 17900,
		"Brews five cup sizes, from espresso to alto, at the touch of a button; capsules read by barcode for the right brew every time.",
		"Matte Black=BAE", "Light Grey=GYAE")
	b.colorLine("kit", coffee, small+" > Coffee Makers", "Keurig", "K-Elite Single Serve K-Cup Pod Coffee Maker", "5000197{c}", 18999,
		"Strong brew and iced settings, a hot water on demand button and a 75 oz. removable reservoir.", "Brushed Silver=492", "Brushed Slate=493")
	b.colorLine("kit", coffee, small+" > Coffee Makers", "Cuisinart", "14-Cup Programmable Coffeemaker DCC-3200P1", "DCC-3200P1", 9995,
		"Brew strength control, 24-hour programmability and a hotter coffee setting. Stainless steel with glass carafe.")
	b.colorLine("kit", catKitchen+" > Electric Pressure Cookers", small+" > Multi-Cookers", "Instant Pot", "Duo 7-in-1 Electric Pressure Cooker, 6 Quart", "112-0170-01", 8999,
		"Pressure cooker, slow cooker, rice cooker, steamer, sauté pan, yogurt maker and warmer in one; 13 one-touch smart programs.")
	b.colorLine("kit", catKitchen+" > Electric Pressure Cookers", small+" > Multi-Cookers", "Instant Pot", "Duo 7-in-1 Electric Pressure Cooker, 8 Quart", "112-0171-01", 11999,
		"The family size: pressure cooker, slow cooker, rice cooker, steamer, sauté pan, yogurt maker and warmer in one.")
	b.colorLine("kit", mix, small+" > Blenders", "Vitamix", "5200 Blender, Professional-Grade, 64 oz. Container", "001372{c}", 44995,
		"Variable speed control, a self-cleaning 64-ounce container and aircraft-grade stainless steel blades. Seven-year full warranty.", "Black=", "Red=R")
	b.colorLine("kit", catKitchen+" > Toasters & Grills > Toasters", small+" > Toasters", "Hamilton Beach", "2 Slice Extra-Wide Slot Toaster with Shade Selector, 22633", "22633", 2499,
		"Extra-wide slots fit bagels and thick bread; toast boost lifts small items; auto shutoff and cancel button.", "Black")
	b.colorLine("kit", catKitchen+" > Microwave Ovens", small+" > Microwaves", "Panasonic", "NN-SN686S Countertop Microwave Oven 1.2 cu. ft. with 1200W Inverter Technology", "NN-SN686S", 17999,
		"Inverter technology delivers a seamless stream of cooking power for evenly prepared food; genius sensor cooking and turbo defrost.", "Stainless Steel")
	b.colorLine("kit", catKitchen+" > Electric Kettles", small+" > Kettles", "Fellow", "Stagg EKG Electric Gooseneck Kettle, 0.9 Liter", "1169{c}", 16500,
		"Pour-over kettle with variable temperature control, a 60-minute hold mode and a precision pour spout.", "Matte Black=MB", "Polished Copper=PC")
}

func (b *builder) powerTools() {
	type tool struct {
		brand, name, mpn, kind string
		c                      int64
	}
	tools := []tool{
		{"DEWALT", "20V MAX Cordless Drill/Driver Kit, 1/2-Inch, with 2 Batteries and Charger", "DCD771C2", "Drills", 9900},
		{"DEWALT", "20V MAX XR Brushless Cordless 1/2 in. Drill/Driver (Tool Only)", "DCD800B", "Drills", 14900},
		{"DEWALT", "20V MAX XR Impact Driver, Brushless, 1/4-Inch, Tool Only", "DCF887B", "Impact Drivers", 12900},
		{"DEWALT", "20V MAX 7-1/4-Inch Cordless Circular Saw, Tool Only", "DCS570B", "Saws", 15900},
		{"DEWALT", "Random Orbit Sander, 5-Inch, 3 Amp, Corded", "DWE6421", "Sanders", 6999},
		{"DEWALT", "20V MAX Cordless Drill and Impact Driver Combo Kit, 2-Tool", "DCK240C2", "Combo Kits", 17900},
		{"DEWALT", "20V MAX XR Oscillating Multi-Tool, Variable Speed, Tool Only", "DCS356B", "Multi-Tools", 14900},
		{"Milwaukee", "M18 FUEL 1/2 in. Hammer Drill (Tool Only)", "2904-20", "Drills", 19900},
		{"Milwaukee", "M18 FUEL 1/4 in. Hex Impact Driver (Tool Only)", "2953-20", "Impact Drivers", 16900},
		{"Milwaukee", "M12 FUEL 1/2 in. Drill Driver Kit", "3403-22", "Drills", 19900},
		{"Milwaukee", "M18 FUEL 7-1/4 in. Circular Saw (Tool Only)", "2834-20", "Saws", 24900},
		{"Milwaukee", "M18 FUEL SAWZALL Reciprocating Saw (Tool Only)", "2821-20", "Saws", 22900},
		{"Makita", "18V LXT Lithium-Ion Brushless Cordless 1/2\" Driver-Drill Kit (3.0Ah)", "XFD131", "Drills", 19900},
		{"Makita", "18V LXT Lithium-Ion Brushless Cordless Impact Driver, Tool Only", "XDT16Z", "Impact Drivers", 13900},
		{"Makita", "5\" Random Orbit Sander with Variable Speed, Kit", "BO5041K", "Sanders", 9900},
		{"Makita", "18V LXT 4-1/2\" / 5\" Paddle Switch Cut-Off/Angle Grinder, Tool Only", "XAG04Z", "Grinders", 11900},
		{"Makita", "18V LXT Lithium-Ion Cordless Recipro Saw, Tool Only", "XRJ04Z", "Saws", 14900},
		{"Bosch", "GSR18V-400B12 18V 1/2 In. Compact Drill/Driver Kit with 2.0 Ah Battery", "GSR18V-400B12", "Drills", 12900},
		{"Bosch", "ROS20VSC 5 In. Random Orbit Sander/Polisher Kit", "ROS20VSC", "Sanders", 8900},
		{"Bosch", "GDX18V-1800B12 18V EC Brushless 1/4 In. and 1/2 In. Two-In-One Bit/Socket Impact Driver Kit", "GDX18V-1800B12", "Impact Drivers", 19900},
		{"Bosch", "CS10 7-1/4 In. 15 Amp Circular Saw", "CS10", "Saws", 13900},
		{"Ryobi", "ONE+ 18V Cordless 1/2 in. Drill/Driver Kit with 1.5 Ah Battery and Charger", "PCL206K1", "Drills", 7997},
		{"Ryobi", "ONE+ 18V Cordless 1/4 in. Impact Driver (Tool Only)", "PCL235B", "Impact Drivers", 5997},
		{"Ryobi", "ONE+ 18V Cordless 5-1/2 in. Circular Saw (Tool Only)", "PCL500B", "Saws", 5997},
		{"Ryobi", "ONE+ 18V Cordless Orbital Jig Saw (Tool Only)", "PCL525B", "Saws", 6997},
		{"BLACK+DECKER", "20V MAX Cordless Drill/Driver, 3/8 Inch, with LED Light, Battery and Charger Included", "LDX120C", "Drills", 4999},
		{"BLACK+DECKER", "Mouse Detail Sander, Compact Design", "BDEMS600", "Sanders", 3999},
		{"CRAFTSMAN", "V20 Cordless Drill/Driver Kit, 1/2 inch (CMCD700C1)", "CMCD700C1", "Drills", 9900},
		{"CRAFTSMAN", "V20 7-1/4-Inch Cordless Circular Saw, Tool Only (CMCS500B)", "CMCS500B", "Saws", 9900},
		{"Metabo HPT", "18V MultiVolt Cordless Impact Driver Kit, 1/4-Inch Hex", "WH18DEX", "Impact Drivers", 14900},
	}
	gcat := map[string]string{
		"Drills": catTools + " > Drills", "Impact Drivers": catTools + " > Drills > Handheld Power Drills",
		"Saws": catTools + " > Saws", "Sanders": catTools + " > Sanders", "Combo Kits": catTools + " > Power Tool Combo Sets",
		"Multi-Tools": catTools + " > Multifunction Power Tools", "Grinders": catTools + " > Grinders",
	}
	for _, t := range tools {
		it := b.add(b.nextID("tool"), t.brand, t.brand+" "+t.name, t.mpn, t.c)
		it.Category = gcat[t.kind]
		it.ProductType = "Tools > Power Tools > " + t.kind
		power := "Cordless"
		if strings.Contains(t.name, "Corded") || strings.Contains(t.name, "Amp") || t.mpn == "BO5041K" {
			power = "Corded"
		}
		it.Description = fmt.Sprintf("%s %s. %s %s built for daily jobsite use; model %s.",
			t.brand, t.name, power, strings.ToLower(strings.TrimSuffix(t.kind, "s")), t.mpn)
		it.Attributes = attrs("power_source", power)
	}
}

func (b *builder) books() {
	adjs := []string{"Glass", "Quiet", "Last", "Silver", "Hidden", "Salt", "Winter", "Paper", "Borrowed", "Northern", "Distant", "Iron", "Secret", "Lantern", "Summer"}
	nouns := []string{"Orchard", "Harbor", "Garden", "Lighthouse", "Cartographer", "Daughter", "River", "Station", "Library", "Archive", "Meadow", "Clockmaker", "Tide", "Island", "Ferryman"}
	first := []string{"Marisol", "Theo", "Annika", "Julian", "Priya", "Desmond", "Harriet", "Kenji", "Rosalind", "Mateo", "Imogen", "Tobias", "Saoirse", "Elliot", "Noor"}
	last := []string{"Keane", "Hollis", "Varga", "Okafor", "Lindqvist", "Marchetti", "Ashdown", "Takeda", "Brennan", "Castellano", "Whitlock", "Osei", "Fairburn", "Delacroix", "Thorne"}
	publishers := []string{"Harbor Lane Press", "Northfield Books", "Copperleaf Publishing", "Tidewater House", "Lantern & Quill"}
	nonfiction := []struct{ title, kind string }{
		{"Sourdough at Home: Bread, Pizza and Pastry from One Starter", "Cookbooks"},
		{"The Budget Kitchen: 120 Weeknight Meals Under $10", "Cookbooks"},
		{"Salt, Smoke & Fire: Grilling Through the Seasons", "Cookbooks"},
		{"Practical Go: Building Reliable Services, 2nd Edition", "Computers & Technology"},
		{"Databases Without Tears: SQL for the Working Programmer", "Computers & Technology"},
		{"Everyday Statistics: Making Sense of Numbers in the News", "Science & Math"},
		{"Small-Space Gardening: Growing Food on Balconies and Rooftops", "Home & Garden"},
		{"Home Repair Basics: 75 Fixes Anyone Can Do", "Home & Garden"},
		{"Birdwatching for Beginners: A Field Guide to North America", "Nature"},
		{"Mindful Money: A Calm Guide to Personal Finance", "Business & Money"},
		{"The Long Run: Training for Your First Marathon", "Sports & Outdoors"},
		{"Maps of the Mind: How Memory Shapes Who We Are", "Science & Math"},
	}
	used := map[string]bool{}
	author := func() string { return first[b.rng.IntN(len(first))] + " " + last[b.rng.IntN(len(last))] }
	addBook := func(title, kind, format string, c int64, au string) {
		pub := publishers[b.rng.IntN(len(publishers))]
		it := b.addGTIN(b.nextID("bk"), pub, fmt.Sprintf("%s (%s)", title, format), "", b.isbn(pub), c)
		it.Category = catBooks
		it.ProductType = "Books > " + kind
		pages := 220 + b.rng.IntN(300)
		it.Description = fmt.Sprintf("%s by %s. %s, %d pages, published by %s.", title, au, format, pages, pub)
		it.Attributes = attrs("author", au, "format", format, "pages", fmt.Sprint(pages))
	}
	for len(used) < 18 {
		t := "The " + adjs[b.rng.IntN(len(adjs))] + " " + nouns[b.rng.IntN(len(nouns))]
		if used[t] {
			continue
		}
		used[t] = true
		if b.rng.IntN(2) == 0 {
			t += ": A Novel"
		}
		if b.rng.IntN(3) == 0 {
			addBook(t, "Literature & Fiction", "Paperback", 1399+int64(b.rng.IntN(5))*100, author())
		} else {
			addBook(t, "Literature & Fiction", "Hardcover", 2699+int64(b.rng.IntN(4))*100, author())
		}
	}
	for _, nf := range nonfiction {
		format, c := "Paperback", 1999+int64(b.rng.IntN(8))*200
		if nf.kind == "Cookbooks" {
			format, c = "Hardcover", 2999+int64(b.rng.IntN(3))*500
		}
		addBook(nf.title, nf.kind, format, c, author())
	}
}

// apparel adds a product group: one item per colour and size, sharing an
// item_group_id, with color, size, gender and age_group attributes.
func (b *builder) apparel(prefix, cat, ptype, brand, name, gender string, c int64, colors []string, sizes []string, desc string) {
	group := b.nextID(prefix)
	b.ids[group] = true // reserve the group id so no item takes it
	for _, col := range opts(colors...) {
		for _, sz := range sizes {
			id := group + "-" + slug(col.label, 3) + "-" + slug(sz, 0)
			title := fmt.Sprintf("%s %s, %s, Size %s", brand, name, col.label, sz)
			it := b.add(id, brand, title, col.code, c)
			it.Category, it.ProductType = cat, ptype
			it.ItemGroupID = group
			it.Description = desc
			it.Attributes = attrs("color", col.label, "size", sz, "gender", gender, "age_group", "adult", "size_system", "US")
		}
	}
}

// slug lowers s and keeps letters and digits, turning runs of anything else
// into one hyphen; max > 0 keeps only the first max characters of each word.
func slug(s string, max int) string {
	var sb strings.Builder
	dash := false
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if max > 0 && len(w) > max {
			w = w[:max]
		}
		if dash {
			sb.WriteByte('-')
		}
		sb.WriteString(w)
		dash = true
	}
	return sb.String()
}

func (b *builder) shoes() {
	run := "Shoes > Running Shoes"
	b.apparel("sh", catShoes, run, "Nike", "Air Zoom Pegasus 41 Men's Road Running Shoes", "male", 13999,
		[]string{"Black/White=FD2722-002", "Photon Dust/Game Royal=FD2722-100"}, []string{"9", "10", "11"},
		"A responsive ReactX foam midsole and Air Zoom units at the forefoot and heel give an energised ride for everyday runs.")
	b.apparel("sh", catShoes, run, "adidas", "Ultraboost 5 Women's Running Shoes", "female", 19000,
		[]string{"Core Black=ID8847", "Cloud White=ID8812"}, []string{"7", "8", "9"},
		"Light BOOST cushioning, a Linear Energy Push system and a Continental rubber outsole for grip in wet and dry conditions.")
	b.apparel("sh", catShoes, "Shoes > Sneakers", "New Balance", "Made in USA 990v6 Men's Sneakers", "male", 19999,
		[]string{"Grey=M990GL6", "Navy=M990NV6"}, []string{"9", "10", "11"},
		"The sixth generation of the 990 pairs FuelCell foam with an ENCAP midsole for a versatile everyday sneaker.")
	b.apparel("sh", catShoes, run, "Brooks", "Ghost 16 Women's Neutral Running Shoe", "female", 13999,
		[]string{"Black/Grey/White=120407 1B 012", "Peacoat/Blue=120407 1B 444"}, []string{"7", "8.5", "9"},
		"Soft DNA LOFT v3 cushioning and a smooth heel-to-toe transition for neutral runners who want a comfortable daily trainer.")
	b.apparel("sh", catShoes, "Shoes > Sneakers", "Converse", "Chuck Taylor All Star High Top Sneakers", "unisex", 6500,
		[]string{"Black=M9160", "Optical White=M7650"}, []string{"8", "9", "10"},
		"The classic canvas high top with a rubber toe cap, OrthoLite insole and the iconic ankle patch.")
}

func (b *builder) clothing() {
	b.apparel("ap", catClothing+" > Pants", "Clothing > Men's Jeans", "Levi's", "Men's 501 Original Fit Jeans", "male", 6950,
		[]string{"Rinse=00501-0101", "Medium Stonewash=00501-0193"}, []string{"32W x 32L", "34W x 32L", "36W x 32L"},
		"The original blue jean since 1873: straight leg, button fly, sits at the waist. 100% cotton denim.")
	b.apparel("ap", catClothing+" > Outerwear > Coats & Jackets", "Clothing > Men's Jackets", "Patagonia", "Men's Better Sweater Fleece Jacket", "male", 15900,
		[]string{"New Navy=25528-NENA", "Black=25528-BLK"}, []string{"S", "M", "L"},
		"A warm, sweater-knit polyester fleece jacket made with 100% recycled polyester and dyed with a low-impact process.")
	b.apparel("ap", catClothing+" > Shirts & Tops", "Clothing > Men's T-Shirts", "Carhartt", "Men's K87 Loose Fit Heavyweight Short-Sleeve Pocket T-Shirt", "male", 1999,
		[]string{"Black=K87-BLK", "Heather Gray=K87-HGY"}, []string{"M", "L", "XL"},
		"6.75-ounce heavyweight cotton jersey with a left-chest pocket and a loose fit that gives room to move.")
}

func (b *builder) home() {
	chairs := catFurniture + " > Office Furniture > Office Chairs"
	b.colorLine("hm", chairs, "Home & Furniture > Office Chairs", "Herman Miller", "Aeron Ergonomic Office Chair, Size B", "AER1B23DW", 179500,
		"The benchmark ergonomic chair: PostureFit SL back support, 8Z Pellicle suspension and fully adjustable arms. 12-year warranty.", "Graphite")
	b.colorLine("hm", chairs, "Home & Furniture > Office Chairs", "Herman Miller", "Aeron Ergonomic Office Chair, Size C", "AER1C23DW", 184500,
		"The benchmark ergonomic chair in the large size: PostureFit SL back support and 8Z Pellicle suspension. 12-year warranty.", "Graphite")
	b.colorLine("hm", chairs, "Home & Furniture > Office Chairs", "Steelcase", "Series 1 Office Chair", "435A00", 41900,
		"LiveBack technology and adaptive bolstering support you as you move; 4D adjustable arms and seat depth.", "Licorice")
	b.colorLine("hm", chairs, "Home & Furniture > Office Chairs", "Branch", "Ergonomic Chair with Adjustable Lumbar Support", "BR-ERGO-01", 49900,
		"Seven points of adjustment, breathable mesh back and a seat that slides forward and back. Ships fully assembled in one box.", "Black")
	b.colorLine("hm", catFurniture+" > Office Furniture > Desks", "Home & Furniture > Standing Desks", "FlexiSpot", "E7 Electric Standing Desk, 48\" x 30\" Desktop", "E7-4830{c}", 49999,
		"Dual-motor height adjustment from 22.8\" to 48.4\", four memory presets, anti-collision and a 355 lb load capacity.", "Black Frame/Maple Top=BM", "White Frame/White Top=WW")
	b.colorLine("hm", catHome+" > Household Appliances > Vacuums", "Home & Furniture > Vacuums", "Dyson", "V15 Detect Cordless Vacuum Cleaner", "447929-01", 74999,
		"A laser reveals microscopic dust, and an acoustic sensor counts and sizes particles to boost suction automatically. Up to 60 minutes of run time.", "Yellow/Nickel")
	b.colorLine("hm", catHome+" > Household Appliances > Vacuums", "Home & Furniture > Vacuums", "Dyson", "V8 Cordless Vacuum Cleaner", "476547-01", 41999,
		"Powerful suction and up to 40 minutes of fade-free run time; converts to a handheld for cars and upholstery.", "Silver/Nickel")
	b.colorLine("hm", catHome+" > Household Appliances > Vacuums", "Home & Furniture > Vacuums", "iRobot", "Roomba j7+ Self-Emptying Robot Vacuum", "j755020", 59999,
		"Identifies and avoids obstacles like socks and cords; empties itself for up to 60 days.")
	b.colorLine("hm", catHome+" > Household Appliances > Vacuums", "Home & Furniture > Vacuums", "iRobot", "Roomba Combo i5 Robot Vacuum and Mop", "i517020", 39999,
		"Vacuums and mops in one pass, with smart mapping and room-by-room cleaning in the app.")
	for _, m := range []struct {
		size string
		c    int64
	}{{"Queen", 109500}, {"King", 129500}} {
		it := b.add(b.nextID("hm"), "Casper", "Casper Original Foam Mattress, "+m.size, "ORIG-FOAM-"+strings.ToUpper(m.size[:1]), m.c)
		it.Category, it.ProductType = catFurniture+" > Beds & Accessories > Mattresses", "Home & Furniture > Mattresses"
		it.Description = "Three layers of premium foam with Zoned Support for alignment and breathable AirScape foam. 100-night trial."
		it.Attributes = attrs("size", m.size)
	}
	b.colorLine("hm", catHome+" > Linens & Bedding > Bedding > Sheets", "Home & Furniture > Bedding", "Brooklinen", "Luxe Core Sheet Set, Queen, 480 Thread Count Sateen", "LXCS-Q-{c}", 17900,
		"Buttery-smooth 480 thread count long-staple cotton sateen: flat sheet, fitted sheet and two pillowcases.", "White=WHT", "Graphite=GRA")
	b.colorLine("hm", catHome+" > Lighting > Light Bulbs > LED Light Bulbs", "Home & Furniture > Smart Lighting", "Philips", "Hue White and Color Ambiance A19 Starter Kit, 4 Bulbs + Bridge", "563254", 19999,
		"Sixteen million colours, dimmable, with the Hue Bridge for whole-home control, routines and voice assistants.")
	b.colorLine("hm", catHome+" > Kitchen & Dining > Cookware & Bakeware > Cookware > Casserole Dishes", "Home & Furniture > Cookware", "Le Creuset", "Enameled Cast Iron Signature Round Dutch Oven, 5.5 qt.", "LS2501-26{c}", 42000,
		"Enamelled cast iron with a light sand interior, larger handles and a tight-fitting lid; oven safe to 500°F.", "Flame=2", "Marseille=59")
	b.colorLine("hm", catHome+" > Kitchen & Dining > Cookware & Bakeware > Cookware > Skillets & Frying Pans", "Home & Furniture > Cookware", "Lodge", "12 Inch Cast Iron Skillet, Pre-Seasoned", "L10SK3", 2990,
		"Seasoned with 100% natural vegetable oil and ready to use; unparalleled heat retention for searing, sautéing, baking and frying.")
	b.colorLine("hm", catFurniture+" > Sofas", "Home & Furniture > Sofas", "Zinus", "Jackie Sofa, 75\" Upholstered Couch", "AY-JACKIE-{c}", 33999,
		"Easy assembly in under 20 minutes, durable frame, soft-touch fabric and an ultra-comfortable foam seat.", "Soft Grey=SG")
	b.colorLine("hm", catFurniture+" > Shelving > Bookcases & Standing Shelves", "Home & Furniture > Bookcases", "Sauder", "Select 5-Shelf Bookcase", "4155{c}", 12999,
		"Three adjustable shelves and two fixed shelves; sturdy engineered wood in a warm finish.", "Highland Oak=36")
}
