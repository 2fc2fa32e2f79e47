package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// The heuristic reads the visible page when structured data says nothing
// (or to fill a missing title or price). See RULES.md, "Heuristic".

// maxPriceText is the longest element text (code points) read as a price.
const maxPriceText = 40

// excludedTags never hold the main product's price or title.
var excludedTags = map[string]bool{
	"nav": true, "footer": true, "aside": true, "dialog": true,
	"s": true, "del": true, "strike": true,
}

// containerWords, found among the words of an element's class or id
// (split on anything that is not a letter or digit), or containerParts,
// found anywhere in them (lower case), mark containers of other products,
// adverts and site chrome: nothing inside them is read.
var (
	containerWords = map[string]bool{
		"ad": true, "ads": true, "advert": true, "adverts": true, "advertisement": true,
		"related": true, "similar": true, "upsell": true, "upsells": true, "crosssell": true,
		"carousel": true, "slider": true, "recommendations": true, "recommended": true,
		"accessories": true, "bundle": true, "banner": true, "promo": true, "sponsored": true,
		"recently": true, "viewed": true, "minicart": true, "shipping": true, "delivery": true,
		"reviews": true, "breadcrumb": true, "breadcrumbs": true, "masthead": true,
	}
	containerParts = []string{
		"related", "recommend", "carousel", "upsell", "cross-sell", "crosssell", "sponsor",
		"advert", "also-bought", "alsobought", "also-viewed", "frequently", "you-may",
		"youmay", "recently-viewed", "mini-cart", "minicart", "ad-slot", "adslot", "site-header",
	}
)

// notPriceWords (class/id words) and notPriceParts (substrings) mark price
// elements that are not the selling price: old, list, unit, instalment
// prices and savings.
var (
	notPriceWords = map[string]bool{
		"old": true, "was": true, "compare": true, "rrp": true, "msrp": true, "regular": true,
		"before": true, "original": true, "strike": true, "strikethrough": true, "crossed": true,
		"list": true, "save": true, "saving": true, "savings": true, "discount": true,
		"unit": true, "per": true, "base": true, "installment": true, "instalment": true,
		"installments": true, "instalments": true, "monthly": true, "finance": true,
		"financing": true, "klarna": true, "afterpay": true, "from": true, "shipping": true,
		"nonsale": true, "reference": true,
	}
	notPriceParts = []string{
		"oldprice", "wasprice", "listprice", "unitprice", "regularprice", "baseprice",
		"compareat", "compare-at", "priceold", "pricewas", "strikeprice", "crossedprice",
		"installment", "instalment", "priceperunit", "perunit", "non-sale", "grundpreis",
		"price-per", "priceper",
	}
)

// notPriceText matches (in lower-cased text) instalment, per-unit, "from",
// list-price and saving wording: a price element whose text, or whose
// parent's own text (ownText), matches is not the selling price.
var notPriceText = regexp.MustCompile(
	// instalments and monthly prices
	`payments? of|instal+ments?|/\s*(mo|mth|month|monat|mois|mes|mese|mês|miesiąc|měsíc|mån|mnd|maand|月)\b|` +
		`per month|a month|monthly|monatlich|par mois|al mese|al mes|por mes|por mês|per maand|miesięcznie|měsíčně|per månad|в месяц|` +
		`\braten\b|\brate\b|\braty\b|mensualit|\bpix\b|boleto|cuotas|parcelas|sem juros|\d\s*x\s*(de\s)?\S*\d|klarna|afterpay|affirm|paypal|sezzle|` +
		// per-unit prices
		`/\s*(\d+\s*)?(kg|g|l|ml|cl|lb|oz|m|m²|m2|st|stk|szt|ks|pcs|unit|pc)([^a-z0-9]|$)|` +
		`(^|\s)(per|pro|je|par|por|за)\s+(\d+\s*)?(kg|g|l|ml|cl|lb|oz|m|m²|unit|stück|piece|litre|liter|100)([^a-z0-9]|$)|` +
		// list, recommended and former prices
		`(^|\s)(was|reg\.?|list price|rrp|msrp|m\.?r\.?p\.?|uvp|statt|avant|before|originally)(\s|:|$)|unverb|preisempf|` +
		`prix conseillé|prezzo consigliato|precio recomendado|preço sugerido|adviesprijs|doporučená|sugerowana|rekommenderat|` +
		// EU "lowest price in the last 30 days"
		`lowest|niedrigste|le plus bas|najniższa|nejnižší|più basso|más bajo|mais baixo|laagste|lägsta|30\s*(days|dni|tage|tagen|jours|giorni|días|dias|dagen|dagar|dní|дней)|` +
		// "from" prices
		`(^|\s)(from|starting at|ab|à partir de|a partir de|a partire da|desde|vanaf|od|från|fra|от|alkaen)\s|から|より|起|` +
		// savings and shipping
		`\bsave\b|you save|sparen|sie sparen|économisez|ahorra|risparmi|economize|bespaar|oszczędzasz|ušetříte|spara|экономия|` +
		`shipping|delivery|versand|livraison|envío|frete|spedizione|verzend|dostawa|doprava|frakt|доставка|送料`)

// addToCart matches the id, name, class or action of an add-to-cart control.
var addToCart = regexp.MustCompile(`(?i)add[-_ ]?to[-_ ]?(cart|bag|basket|trolley)|buy[-_ ]?now|(cart|basket)/add`)

// cardParts mark product cards in a grid (lower-cased class substrings).
var cardParts = []string{"product-card", "productcard", "product-tile", "producttile", "product-item", "productitem", "product-grid-item", "grid-product", "s-result-item", "card-product"}

// classWords splits a class/id value into lower-case words of letters and digits.
func classWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// classMatch reports whether the class or id of n has one of words, or
// contains one of parts.
func classMatch(n *html.Node, words map[string]bool, parts []string) bool {
	for _, k := range []string{"class", "id"} {
		v := attr(n, k)
		if v == "" {
			continue
		}
		for _, w := range classWords(v) {
			if words[w] {
				return true
			}
		}
		if containsAny(strings.ToLower(v), parts) {
			return true
		}
	}
	return false
}

type priceCand struct {
	n      *html.Node
	amount string
	cur    string
}

// fromHeuristic reads the visible page:
//   - the title is the text of the first <h1> outside excluded containers;
//   - the price is the one amount shown by price elements (class or id
//     containing "price", or itemprop="price") in the h1's nearest enclosing
//     block that has any; two different amounts there give no price;
//   - three or more product cards, or three or more add-to-cart buttons,
//     make a listing; an h1 and an add-to-cart control make a product
//     (with or without a price).
func fromHeuristic(p *page) candidate {
	body := findElement(p.root, "body")
	if body == nil {
		return candidate{}
	}
	var h1 *html.Node
	var cands []priceCand
	carts, cartButtons, cards := 0, 0, 0
	var walk func(n *html.Node, struck, inCard bool)
	walk = func(n *html.Node, struck, inCard bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || skipText(c) || isConcealed(c) || excludedTags[c.Data] {
				continue
			}
			priceEl := isPriceElement(c)
			if !priceEl && classMatch(c, containerWords, containerParts) {
				continue
			}
			card := inCard
			if !inCard && containsAny(strings.ToLower(attr(c, "class")), cardParts) {
				cards++
				card = true
			}
			if isCartControl(c) {
				carts++
				if c.Data != "form" {
					cartButtons++
				}
			}
			if c.Data == "h1" && h1 == nil {
				h1 = c
			}
			st := struck || classMatch(c, nil, notPriceParts) || (priceEl && classMatch(c, notPriceWords, nil))
			if !st && priceEl {
				if pc, ok := readPriceElement(p, c); ok {
					cands = append(cands, pc)
				}
			}
			walk(c, st, card)
		}
	}
	walk(body, false, false)

	if cards >= 3 || cartButtons >= 3 {
		return candidate{signal: listingSignal}
	}
	var c candidate
	if h1 == nil {
		return c
	}
	c.title = visibleText(h1)
	if pc, ok := pickNearH1(h1, cands); ok {
		c.price, c.currency = pc.amount, pc.cur
	}
	if c.title != "" && carts > 0 {
		c.signal = productSignal
	}
	return c
}

// isConcealed reports whether n is not rendered: the hidden attribute or an
// inline style with display:none.
func isConcealed(n *html.Node) bool {
	if hasAttr(n, "hidden") {
		return true
	}
	st := strings.ToLower(strings.ReplaceAll(attr(n, "style"), " ", ""))
	return strings.Contains(st, "display:none")
}

// isCartControl reports whether n is a button, input, link or form adding
// to the cart.
func isCartControl(n *html.Node) bool {
	switch n.Data {
	case "button", "input", "a", "form":
	default:
		return false
	}
	for _, k := range []string{"id", "name", "class", "action", "data-action", "data-testid"} {
		if v := attr(n, k); v != "" && addToCart.MatchString(v) {
			return true
		}
	}
	return false
}

// isPriceElement reports whether n's class or id contains "price", or n has
// itemprop="price".
func isPriceElement(n *html.Node) bool {
	if hasToken(attr(n, "itemprop"), "price") {
		return true
	}
	return strings.Contains(strings.ToLower(attr(n, "class")), "price") ||
		strings.Contains(strings.ToLower(attr(n, "id")), "price")
}

// readPriceElement reads the visible text of a price element as one price.
func readPriceElement(p *page, n *html.Node) (priceCand, bool) {
	t := visibleText(n)
	if t == "" || utf8.RuneCountInString(t) > maxPriceText {
		return priceCand{}, false
	}
	if notPriceText.MatchString(strings.ToLower(t)) {
		return priceCand{}, false
	}
	if notPriceText.MatchString(strings.ToLower(ownText(n.Parent))) {
		return priceCand{}, false
	}
	if !hasCurrencyMarker(t) {
		return priceCand{}, false
	}
	a, cur, isRange, ok := parseHumanPrice(t, p.hint)
	if !ok || isRange || a <= 0 || cur == "" {
		return priceCand{}, false
	}
	return priceCand{n: n, amount: a.String(), cur: cur}, true
}

// ownText returns the text directly inside n (its child text nodes, not
// those of child elements): the wording around a price element, such as
// "4 payments of" or "/kg".
func ownText(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil && b.Len() < maxText; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
			b.WriteByte(' ')
		}
	}
	return collapse(b.String())
}

// pickNearH1 returns the price of the h1's nearest enclosing element that
// contains price candidates, if they all show one amount.
func pickNearH1(h1 *html.Node, cands []priceCand) (priceCand, bool) {
	if len(cands) == 0 {
		return priceCand{}, false
	}
	for a := h1.Parent; a != nil; a = a.Parent {
		var in []priceCand
		for _, pc := range cands {
			if isAncestor(a, pc.n) {
				in = append(in, pc)
			}
		}
		if len(in) == 0 {
			continue
		}
		for _, pc := range in[1:] {
			if !sameAmount(pc.amount, in[0].amount) || (pc.cur != "" && in[0].cur != "" && pc.cur != in[0].cur) {
				return priceCand{}, false
			}
		}
		best := in[0]
		for _, pc := range in {
			if best.cur == "" && pc.cur != "" {
				best = pc
			}
		}
		return best, true
	}
	return priceCand{}, false
}

// isAncestor reports whether a is an ancestor of n.
func isAncestor(a, n *html.Node) bool {
	for x := n.Parent; x != nil; x = x.Parent {
		if x == a {
			return true
		}
	}
	return false
}
