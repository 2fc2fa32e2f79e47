package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"text/template"
)

// Languages the notice is written in.
var Languages = []string{"en", "fr"}

// Notice is the exact text a shopper is shown before joining the panel.
type Notice struct {
	Version string `json:"version"`
	Lang    string `json:"lang"`
	Text    string `json:"text"`
	Hash    string `json:"hash"` // hex SHA-256 of Text, recorded with every consent change
}

var words = map[string]map[string]string{
	"en": {
		"page_views":           "Pages you visit: the address of the page with personal parts removed, the site you came from (its name only), the time and how long you stayed.",
		"link_clicks":          "Links you follow: the page you were on and the page the link leads to, both with personal parts removed.",
		"product_views":        "Products you look at: the product facts of product pages (name, brand, identifiers, price, availability), and whether our comparison was shown and clicked.",
		"private_windows":      "anything in private or incognito windows",
		"form_contents":        "what you type into forms, searches or messages",
		"passwords":            "passwords",
		"keystrokes":           "keystrokes or mouse movements",
		"cookies":              "cookies or other sites' identifiers",
		"page_text":            "the text of the pages you read",
		"sensitive_categories": "any page of banking, health, government, adult or webmail sites",
		"price_comparison":     "showing you our price for the products you look at elsewhere",
		"behaviour_research":   "studying, in groups of at least 10 shoppers and never one by one, how people shop across sites",
		"recommendations":      "suggesting products others looked at next",
		"display_experiments":  "testing which honest way of showing the comparison helps shoppers most",
		"banking":              "banking", "health": "health", "government": "government", "adult": "adult", "webmail": "webmail",
	},
	"fr": {
		"page_views":           "Les pages que vous visitez : l'adresse de la page sans ses parties personnelles, le site d'où vous venez (son nom seulement), l'heure et la durée de la visite.",
		"link_clicks":          "Les liens que vous suivez : la page où vous étiez et celle où mène le lien, toutes deux sans leurs parties personnelles.",
		"product_views":        "Les produits que vous regardez : les informations produit des pages produit (nom, marque, identifiants, prix, disponibilité), et si notre comparaison a été affichée et cliquée.",
		"private_windows":      "rien de ce qui se passe en navigation privée",
		"form_contents":        "ce que vous tapez dans les formulaires, recherches ou messages",
		"passwords":            "les mots de passe",
		"keystrokes":           "les frappes au clavier ni les mouvements de souris",
		"cookies":              "les cookies ni les identifiants d'autres sites",
		"page_text":            "le texte des pages que vous lisez",
		"sensitive_categories": "aucune page de sites de banque, de santé, d'administration, pour adultes ou de messagerie",
		"price_comparison":     "vous montrer notre prix pour les produits que vous regardez ailleurs",
		"behaviour_research":   "étudier, par groupes d'au moins 10 personnes et jamais individuellement, comment on achète d'un site à l'autre",
		"recommendations":      "suggérer les produits que d'autres ont regardés ensuite",
		"display_experiments":  "tester quelle présentation honnête de la comparaison aide le plus",
		"banking":              "banque", "health": "santé", "government": "administration", "adult": "adultes", "webmail": "messagerie",
	},
}

var noticeTemplates = map[string]string{
	"en": `Vitrine Panel notice, version {{.Version}}

If you join the panel, the extension shares the following with {{.Store}}, only for the kinds you switch on:
{{range .Scopes}}- {{.}}
{{end}}
Before anything leaves your browser, web addresses are cleaned: the part after "#" is dropped, query parameters are dropped except {{.Allowlist}}, and parts of the address that look like an email address, a long number, an order number, a code or token, or an ID are replaced by a placeholder.

Never collected: {{.Never}}.
Sensitive sites ({{.Categories}}) are on a list in the extension that you can extend.

What it is used for: {{.Purposes}}.

Raw events are deleted after {{.Retention}} days. You can see everything shared, export it, and delete all of it, one site, a date range or one event, at any time from the extension. You can pause sharing or leave the panel at any time; a reward you have earned stays yours.
`,
	"fr": `Avis du panel Vitrine, version {{.Version}}

Si vous rejoignez le panel, l'extension partage avec {{.Store}} les informations suivantes, uniquement pour les catégories que vous activez :
{{range .Scopes}}- {{.}}
{{end}}
Avant que quoi que ce soit ne quitte votre navigateur, les adresses web sont nettoyées : la partie après « # » est supprimée, les paramètres sont supprimés sauf {{.Allowlist}}, et les parties de l'adresse qui ressemblent à une adresse e-mail, un long nombre, un numéro de commande, un code ou jeton, ou un identifiant sont remplacées par un repère.

Jamais collecté : {{.Never}}.
Les sites sensibles ({{.Categories}}) figurent sur une liste de l'extension que vous pouvez compléter.

Utilisations : {{.Purposes}}.

Les événements bruts sont supprimés après {{.Retention}} jours. Vous pouvez à tout moment voir tout ce qui a été partagé, l'exporter, et tout supprimer, un site, une période ou un seul événement, depuis l'extension. Vous pouvez suspendre le partage ou quitter le panel à tout moment ; une récompense acquise vous reste acquise.
`,
}

// Notice renders the notice in a language for a store.
func (p *Policy) Notice(lang, store string) (Notice, error) {
	w, ok := words[lang]
	if !ok {
		return Notice{}, fmt.Errorf("no notice in language %q (have %s)", lang, strings.Join(Languages, ", "))
	}
	data := struct {
		Version, Store, Allowlist, Never, Categories, Purposes string
		Retention                                              int
		Scopes                                                 []string
	}{Version: p.NoticeVersion, Store: store, Retention: p.RetentionDays}
	for _, s := range p.Scopes {
		data.Scopes = append(data.Scopes, w[string(s)])
	}
	allow := append([]string(nil), p.Scrub.QueryAllowlist...)
	sort.Strings(allow)
	data.Allowlist = strings.Join(allow, ", ")
	var never, purposes, cats []string
	for _, n := range p.NeverCollected {
		never = append(never, lookup(w, n))
	}
	for _, n := range p.Purposes {
		purposes = append(purposes, lookup(w, n))
	}
	for _, c := range SensitiveCategories {
		cats = append(cats, w[c])
	}
	data.Never, data.Purposes, data.Categories = strings.Join(never, "; "), strings.Join(purposes, "; "), strings.Join(cats, ", ")
	var b bytes.Buffer
	if err := template.Must(template.New("notice").Parse(noticeTemplates[lang])).Execute(&b, data); err != nil {
		return Notice{}, err
	}
	sum := sha256.Sum256(b.Bytes())
	return Notice{Version: p.NoticeVersion, Lang: lang, Text: b.String(), Hash: hex.EncodeToString(sum[:])}, nil
}

// lookup finds a word, falling back to the key itself for configured
// entries that have no translation yet (the notice never hides them).
func lookup(w map[string]string, k string) string {
	if v, ok := w[k]; ok {
		return v
	}
	return k
}
