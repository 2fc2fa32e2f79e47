// This go.mod only keeps the Go tool (go test ./..., go vet ./...) out of the
// extension folder, where npm installs node_modules that may contain .go files.
// The extension is JavaScript; see extension/README.md.
module github.com/vitrine/vitrine/extension

go 1.26
