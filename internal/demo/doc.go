// Package demo holds everything `vitrine serve --demo` needs to let a
// newcomer try the whole product on one machine:
//
//   - a deterministic demo catalog of about 300 products in ten categories
//     (Catalog, CatalogFor, CatalogAt), with valid GTINs, realistic prices,
//     sales and clothing/shoe variants;
//   - the same catalog as it was at several past dates (HistoryImports), so
//     that price history has something to show, and Seed, which imports those
//     snapshots into a vitrine.CatalogStore idempotently;
//   - a demo "other retailer" web shop (ShopHandler) whose product pages use
//     every kind of product markup real shops use (JSON-LD, JSON-LD @graph,
//     Microdata, OpenGraph in both price dialects, RDFa-lite, ProductGroup with
//     variants), with the traps real pages carry (struck-through old prices,
//     instalment lines, related-product carousels, cookie banners);
//   - generated SVG placeholder images for all of them (ImageHandler).
//
// Brands are real, but model numbers, GTINs, ISBNs, book titles and prices
// are invented for the demo; some model numbers may coincide with real ones.
package demo
