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
		{"POST", "/v1/events", "Send a batch of panel events (body: {\"events\":[...]}, at most 500 events and 1 MiB); answers accepted, duplicate, refused and why, after the events are durably stored. Bearer token.", nil, http.HandlerFunc(s.handleEvents)},
		{"GET", "/v1/campaign", "The running reward campaign's terms, or null.", nil, http.HandlerFunc(s.handleActiveCampaign)},
		{"POST", "/v1/account/link", "Link the install to a store account with a one-time code from the store (body: code). Bearer token.", nil, s.authed(s.handleLinkAccount)},
		{"GET", "/v1/rewards", "Reward progress, earned reward and balance of the install's store account. Bearer token.", nil, s.authed(s.handleRewards)},
		{"POST", "/v1/rewards/redeem", "Turn the balance into a store-credit code (body: idempotency_key). Bearer token.", nil, s.authed(s.handleRedeem)},
		{"POST", "/v1/dashboard/login-link", "A one-time link (10 minutes) that opens the shopper's dashboard in the browser. Bearer token.", nil, s.authed(s.handleLoginLink)},
		{"GET", "/v1/admin/campaigns", "Campaigns with their remaining budget. Admin.", nil, s.admin(s.handleListCampaigns)},
		{"POST", "/v1/admin/campaigns", "Create and fund a campaign. Admin (session + X-CSRF-Token, or API token).", nil, s.admin(s.handleCreateCampaign)},
		{"POST", "/v1/admin/link-codes", "Issue a one-time code linking an install to a store account (body: store_account_id, ttl_seconds). Admin.", nil, s.admin(s.handleIssueLinkCode)},
		{"POST", "/v1/admin/orders", "Record an order reported by the store (body: order_id, store_account_id or install_id, product_id, amount {amount, currency}, ordered_at); idempotent by order_id. Admin.", nil, s.admin(s.withAnalytics(s.handleCreateOrder))},
		{"GET", "/v1/analytics/competitors", "Other sites by panel traffic, with daily totals; groups under k distinct shoppers suppressed. Analyst or admin.", reportQuery, s.analyst(s.handleCompetitors())},
		{"GET", "/v1/analytics/price-gaps", "Products viewed on other sites and their price gap against ours, where we lose on price first; k-suppressed. Analyst or admin.", reportQuery, s.analyst(s.handlePriceGaps())},
		{"GET", "/v1/analytics/funnel", "Funnel: product viewed elsewhere, comparison shown, clicked, ordered (attributed to the click within 7 days); k-suppressed. Analyst or admin.", reportQuery, s.analyst(s.handleFunnel())},
		{"GET", "/v1/analytics/cohorts", "Panel size and retention by weekly cohort; k-suppressed. Analyst or admin.", reportQuery, s.analyst(s.handleCohorts())},
		{"GET", "/v1/analytics/experiments", "Display experiments: exposures, click and order rates with 95% intervals; k-suppressed. Analyst or admin.", reportQuery, s.analyst(s.handleExperimentResults())},
		{"GET", "/v1/analytics/intent", "The purchase-intent model's evaluation (AUC, calibration, baseline) on a time-based split. Analyst or admin.", []param{{"retrain", "query", "string", "1 to retrain now", false}}, s.analyst(s.handleIntentReport)},
		{"GET", "/v1/recommendations", "Store products panel shoppers viewed next after these (public; no personal data).", []param{
			{"session", "query", "string", "comma-separated store product ids, most recent last", true},
			{"k", "query", "integer", "how many, 1..50, default 5", false},
		}, s.withAnalytics(s.handleRecommendations)},
		{"GET", "/v1/intent", "The purchase-intent score of the install's current session (null when none is going on). Bearer token.", nil, s.authed(s.withInstallAnalytics(s.handleIntent))},
		{"GET", "/v1/experiments", "The install's variant of each display experiment. Bearer token.", nil, s.authed(s.withInstallAnalytics(s.handleExperiments))},
		{"POST", "/v1/experiments/exposures", "Record comparison-bar exposures in the install's variants (body: {\"exposures\":[{id, experiment, variant, product_id, domain, ts}]}); needs product_views consent. Bearer token.", nil, s.authed(s.withInstallAnalytics(s.handleExposures))},
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
