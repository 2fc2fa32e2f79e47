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
	}
}
