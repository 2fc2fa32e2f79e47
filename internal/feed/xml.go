package feed

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// XML namespaces of Merchant Center feeds.
const (
	nsG = "http://base.google.com/ns/1.0"  // g: product attributes
	nsC = "http://base.google.com/cns/1.0" // c: custom attributes
)

// maxDepth bounds element nesting, so that a hostile file cannot grow the
// decoder's element stack without limit.
const maxDepth = 100

// xmlSource reads an RSS 2.0 or Atom Merchant Center feed, one <item> or
// <entry> at a time.
type xmlSource struct {
	dec      *xml.Decoder
	in       *countingReader
	name     string
	item     xml.Name // the item element, set from the root
	atom     bool     // an Atom feed (else RSS)
	rootSeen bool
	depth    int
}

func newXMLSource(br *bufio.Reader, in *countingReader, name string) *xmlSource {
	d := xml.NewDecoder(br) // reads br directly: it is an io.ByteReader
	d.CharsetReader = charsetReader
	return &xmlSource{dec: d, in: in, name: name}
}

// token returns the next token and the line where it starts. Errors are
// fatal and already carry the file name and line; io.EOF is returned as is.
func (s *xmlSource) token() (xml.Token, int, error) {
	line, _ := s.dec.InputPos()
	s.in.allow()
	tok, err := s.dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, line, io.EOF
		}
		if errors.Is(err, errRowTooLarge) {
			return nil, line, fmt.Errorf("%s:%d: an XML token is longer than %d bytes", s.name, line, MaxRowBytes)
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, se.Line, fmt.Errorf("%s:%d: XML is not well-formed: %s", s.name, se.Line, se.Msg)
		}
		return nil, line, fmt.Errorf("%s:%d: reading XML: %w", s.name, line, err)
	}
	switch tok.(type) {
	case xml.StartElement:
		s.depth++
		if s.depth > maxDepth {
			return nil, line, fmt.Errorf("%s:%d: XML elements nested more than %d deep", s.name, line, maxDepth)
		}
	case xml.EndElement:
		s.depth--
	}
	return tok, line, nil
}

func (s *xmlSource) next() (int, fields, error) {
	for {
		tok, line, err := s.token()
		if err == io.EOF {
			if !s.rootSeen {
				return 0, nil, fmt.Errorf("%s: empty file: no XML root element", s.name)
			}
			return 0, nil, io.EOF
		}
		if err != nil {
			return 0, nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !s.rootSeen {
			s.rootSeen = true
			// The root is recognised by its local name: feeds in the wild
			// put <rss> in a namespace or leave the Atom one out.
			switch se.Name.Local {
			case "rss":
				s.item = xml.Name{Space: se.Name.Space, Local: "item"}
			case "feed":
				s.item = xml.Name{Space: se.Name.Space, Local: "entry"}
				s.atom = true
			default:
				return 0, nil, fmt.Errorf("%s:%d: root element <%s>: want RSS 2.0 <rss> or Atom <feed>", s.name, line, se.Name.Local)
			}
			continue
		}
		if se.Name == s.item {
			return s.readItem(line)
		}
	}
}

// readItem reads the children of an item whose start tag was just read.
// Product attributes are the g: (and c: custom) elements; the plain RSS
// <title>, <link>, <description> or Atom <title>, <link href>, <summary>,
// <content> stand in for a missing g:title, g:link or g:description.
// Elements with child elements (g:shipping, g:tax...) are structured and
// dropped.
func (s *xmlSource) readItem(line int) (int, fields, error) {
	f := make(fields)
	var fallback map[string]string
	size := 0
	for {
		tok, _, err := s.token()
		if err == io.EOF {
			return 0, nil, fmt.Errorf("%s:%d: <%s> is not closed at the end of the file", s.name, line, s.item.Local)
		}
		if err != nil {
			return 0, nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement: // the item's own end: children are read whole
			if size > MaxRowBytes {
				return 0, nil, &RowError{Line: line, Reason: fmt.Sprintf("<%s> holds more than %d bytes of text", s.item.Local, MaxRowBytes)}
			}
			for name, v := range fallback {
				if !hasValue(f, name) {
					f.add(name, v)
				}
			}
			return line, f, nil
		case xml.StartElement:
			text, nested, err := s.readText(&size)
			if err != nil {
				return 0, nil, err
			}
			name, isAttr := s.classify(t)
			switch {
			case name == "":
			case isAttr:
				if !nested {
					f.add(name, text)
				}
			default:
				if name == "link" && s.atom {
					text = atomLink(t)
				}
				if fallback == nil {
					fallback = make(map[string]string)
				}
				if _, ok := fallback[name]; !ok && strings.TrimSpace(text) != "" {
					fallback[name] = text
				}
			}
		}
	}
}

// classify names an item child: a product attribute (isAttr) or a plain
// RSS/Atom element that stands in for one; "" for anything else.
func (s *xmlSource) classify(t xml.StartElement) (name string, isAttr bool) {
	switch t.Name.Space {
	case nsG, "g", nsC, "c": // "g" and "c": prefixes used without a declaration
		return canonicalName(t.Name.Local), true
	}
	if t.Name.Space != s.item.Space {
		return "", false
	}
	switch t.Name.Local {
	case "title", "link":
		return t.Name.Local, false
	case "description":
		if !s.atom {
			return "description", false
		}
	case "summary", "content":
		if s.atom {
			return "description", false
		}
	}
	return "", false
}

// atomLink returns the href of an Atom <link> to the item's page (rel
// "alternate" or none).
func atomLink(t xml.StartElement) string {
	var href, rel string
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "href":
			href = a.Value
		case "rel":
			rel = a.Value
		}
	}
	if rel != "" && rel != "alternate" {
		return ""
	}
	return href
}

// hasValue reports whether f has a non-blank value for name.
func hasValue(f fields, name string) bool {
	for _, v := range f[name] {
		if strings.TrimSpace(v) != "" {
			return true
		}
	}
	return false
}

// readText reads up to the end of the element whose start tag was just read
// and returns its text, and whether it had child elements. *size counts the
// item's text; beyond MaxRowBytes text is no longer kept.
func (s *xmlSource) readText(size *int) (string, bool, error) {
	var b strings.Builder
	nested := false
	for depth := 1; depth > 0; {
		tok, line, err := s.token()
		if err == io.EOF {
			return "", false, fmt.Errorf("%s:%d: unexpected end of file inside an element", s.name, line)
		}
		if err != nil {
			return "", false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			nested = true
		case xml.EndElement:
			depth--
		case xml.CharData:
			*size += len(t)
			if *size <= MaxRowBytes {
				b.Write(t)
			}
		}
	}
	return b.String(), nested, nil
}

// charsetReader decodes the single-byte encodings that XML feeds declare
// besides UTF-8: ISO-8859-1 (and US-ASCII, its subset) and Windows-1252.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii":
		return &byteDecoder{r: in}, nil
	case "windows-1252", "cp1252":
		return &byteDecoder{r: in, cp1252: true}, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q (want UTF-8, ISO-8859-1 or windows-1252)", label)
}

// cp1252 maps the bytes 0x80-0x9F of Windows-1252; the others are as in
// ISO-8859-1. Undefined bytes stay C1 controls.
var cp1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

// byteDecoder turns a single-byte encoding into UTF-8.
type byteDecoder struct {
	r      io.Reader
	cp1252 bool
	in     [1024]byte
	buf    []byte // backing store of out
	out    []byte // decoded, not yet returned
}

func (d *byteDecoder) Read(p []byte) (int, error) {
	for tries := 0; len(d.out) == 0; tries++ {
		n, err := d.r.Read(d.in[:])
		d.out = d.buf[:0]
		for _, c := range d.in[:n] {
			r := rune(c)
			if d.cp1252 && c >= 0x80 && c <= 0x9F {
				r = cp1252[c-0x80]
			}
			d.out = utf8.AppendRune(d.out, r)
		}
		d.buf = d.out
		if n == 0 && err != nil {
			return 0, err
		}
		if tries > 100 {
			return 0, io.ErrNoProgress
		}
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}
