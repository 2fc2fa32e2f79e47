package httpapi

import "net/http"

// route is one endpoint: the method and path pattern (net/http ServeMux
// syntax), what it does, and its handler. The same list generates
// /openapi.json, so the document cannot miss a route.
type route struct {
	Method  string
	Path    string
	Summary string
	Params  []param
	Handler http.Handler
}

type param struct {
	Name, In, Type, Description string
	Required                    bool
}

// routes lists the whole HTTP API.
func (s *Server) routes() []route {
	return []route{
		{"GET", "/healthz", "Liveness: answers 200 when the database answers.", nil, http.HandlerFunc(s.handleHealth)},
		{"GET", "/metrics", "Prometheus metrics.", nil, http.HandlerFunc(s.handleMetrics)},
		{"GET", "/openapi.json", "This API's OpenAPI 3.1 description.", nil, http.HandlerFunc(s.handleOpenAPI)},
		{"GET", "/v1/products", "List catalog products in id order, filtered, one page at a time.", []param{
			{"q", "query", "string", "words that must all appear in the title, brand, MPN, SKU or id", false},
			{"brand", "query", "string", "exact brand, case-insensitive", false},
			{"gtin", "query", "string", "GTIN-8/12/13/14, validated by check digit", false},
			{"limit", "query", "integer", "page size, 1..200, default 50", false},
			{"cursor", "query", "string", "next_cursor of the previous page", false},
		}, http.HandlerFunc(s.handleListProducts)},
		{"GET", "/v1/products/{id}", "One product with its offer.", []param{
			{"id", "path", "string", "the store's product id", true},
		}, http.HandlerFunc(s.handleGetProduct)},
		{"GET", "/v1/products/{id}/history", "A product's price history, oldest first, with a summary.", []param{
			{"id", "path", "string", "the store's product id", true},
		}, http.HandlerFunc(s.handleProductHistory)},
		{"GET", "/v1/config", "The store's name, own domains and currency, for the extension.", nil, http.HandlerFunc(s.handleConfig)},
		{"POST", "/v1/compare", "Find the store's offer for the product facts of a page (body: domain, facts, currency).", nil, http.HandlerFunc(s.handleCompare)},
		{"POST", "/v1/installs", "Register an extension install; answers its id and secret token, shown once.", nil, http.HandlerFunc(s.handleCreateInstall)},
		{"GET", "/v1/policy", "The panel's collection policy: scopes, URL scrub rules, sensitive sites, retention. The extension's collector runs on it.", nil, http.HandlerFunc(s.handlePolicy)},
		{"GET", "/v1/notice", "The exact panel notice text, its version and SHA-256 hash.", []param{{"lang", "query", "string", "en or fr (default en)", false}}, http.HandlerFunc(s.handleNotice)},
		{"GET", "/v1/consent", "The install's panel consent state and full history. Bearer token.", nil, s.authed(s.handleGetConsent)},
		{"POST", "/v1/consent", "Change consent (body: action grant|revoke|pause|resume|withdraw, scopes, notice_version, lang). Refuses grant under Sec-GPC: 1. Bearer token.", nil, s.authed(s.handlePostConsent)},
		{"GET", "/v1/watches", "The install's price watches with current prices. Bearer token.", nil, s.authed(s.handleListWatches)},
		{"POST", "/v1/watches", "Watch a product for a target price (body: product_id, target_price). Bearer token.", nil, s.authed(s.handleCreateWatch)},
		{"DELETE", "/v1/watches/{id}", "Stop watching. Bearer token.", []param{{"id", "path", "string", "watch id", true}}, s.authed(s.handleDeleteWatch)},
		{"GET", "/v1/alerts", "Alerts for watched prices that reached their target, each delivered once. Bearer token.", nil, s.authed(s.handleAlerts)},
		{"GET", "/v1/alert-settings", "The install's alert noise controls. Bearer token.", nil, s.authed(s.handleGetAlertSettings)},
		{"PUT", "/v1/alert-settings", "Set min_drop_percent and daily_cap. Bearer token.", nil, s.authed(s.handlePutAlertSettings)},
		{"GET", "/v1/lists", "The install's lists with current prices. Bearer token.", nil, s.authed(s.handleGetLists)},
		{"POST", "/v1/lists", "Create a list (body: name). Bearer token.", nil, s.authed(s.handleCreateList)},
		{"DELETE", "/v1/lists/{id}", "Delete a list. Bearer token.", []param{{"id", "path", "string", "list id", true}}, s.authed(s.handleDeleteList)},
		{"POST", "/v1/lists/{id}/items", "Add a product to a list (body: product_id). Bearer token.", []param{{"id", "path", "string", "list id", true}}, s.authed(s.handleAddListItem)},
		{"DELETE", "/v1/lists/{id}/items/{product_id}", "Remove a product from a list. Bearer token.", []param{
			{"id", "path", "string", "list id", true}, {"product_id", "path", "string", "product id", true},
		}, s.authed(s.handleRemoveListItem)},
	}
}
