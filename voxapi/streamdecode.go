package voxapi

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// This file is GetUsers' streaming decoder. It reads the answer as it
// arrives through a small buffer, with a hand-written scanner, straight into
// User values: no reflection, no intermediate tokens, repeated strings
// (skill, queue and application names, statuses) interned, and the small
// pointer and slice fields carved out of per-answer slabs. It keeps the
// exact semantics of encoding/json on the wire types of decode.go (the
// differential fuzz test FuzzDecodeGetUsersDifferential compares the two):
// case-insensitive keys with exact matches first, null leaving non-pointer
// fields alone, repeated keys merging into what an earlier one decoded,
// invalid UTF-8 and lone surrogates replaced by U+FFFD, a nesting limit of
// 10,000, a value of the wrong type failing the answer (after the rest has
// been checked for syntax), and nothing but white space after the answer.

// maxNestingDepth is encoding/json's limit on nested arrays and objects.
const maxNestingDepth = 10000

// decodeBufSize is the read buffer; it grows only for a longer token.
const decodeBufSize = 32 << 10

// streamDecoder is the state of one decode.
type streamDecoder struct {
	r     io.Reader
	buf   []byte
	pos   int   // next byte to read
	end   int   // end of the valid bytes
	mark  int   // start of a token that must stay in buf; -1 when none
	rerr  error // the reader's error, io.EOF at the end
	depth int
	off   int64 // bytes consumed before buf[0], for error offsets

	typeErr error // first value of the wrong type; decoding goes on
	synErr  error // first syntax or read error; decoding stops

	tmp     []byte            // unescaped string
	fold    []byte            // folded key
	intern  map[string]string // repeated short strings
	floats  slab[float64]
	bools   slab[bool]
	strs    slab[string]
	skills  slab[Skill]
	queues  slab[ACDQueueOperator]
	apps    slab[Application]
	skillsT []Skill            // scratch for a skills array being read
	queuesT []ACDQueueOperator // scratch for acd_queues
	appsT   []Application      // scratch for applications
}

// slab hands out small slices and pointers from larger allocations. A value
// taken from it keeps its chunk alive, which suits the users of one answer:
// they live and die together.
type slab[T any] struct{ buf []T }

func (s *slab[T]) take(n int) []T {
	if n > cap(s.buf)-len(s.buf) {
		s.buf = make([]T, 0, max(64, n, 2*cap(s.buf)))
		if cap(s.buf) > 4096 {
			s.buf = make([]T, 0, max(4096, n))
		}
	}
	l := len(s.buf)
	s.buf = s.buf[:l+n]
	return s.buf[l : l+n : l+n]
}

func (s *slab[T]) new() *T { return &s.take(1)[0] }

// errSyntax is a malformed answer.
type syntaxError struct {
	msg string
	off int64
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%s (offset %d)", e.msg, e.off) }

// decodeGetUsersStream reads one GetUsers answer as it streams in.
func decodeGetUsersStream(r io.Reader) (*GetUsersResponse, error) {
	d := &streamDecoder{r: r, buf: make([]byte, decodeBufSize), mark: -1}
	var w getUsersWire
	var result []User
	var total, count int64
	hasResult, hasTotal, hasCount := false, false, false

	c, ok := d.skipWS()
	if !ok {
		if d.synErr != nil {
			return nil, d.synErr
		}
		return nil, errors.New("empty body")
	}
	if c != '{' {
		d.skipValue()
		if d.synErr != nil {
			return nil, d.synErr
		}
		return nil, errors.New("answer is not a JSON object")
	}
	d.objectFields(func(field int) {
		switch field {
		case fResult:
			if d.isNull() {
				hasResult, result = false, nil
				return
			}
			if !d.expect('[', "array", "[]voxapi.User") {
				if !hasResult { // encoding/json allocates the pointer first
					hasResult, result = true, nil
				}
				return
			}
			hasResult = true
			result = d.usersArray(result)
		case fTotalCount:
			d.optInt64(&total, &hasTotal)
		case fCount:
			d.optInt64(&count, &hasCount)
		case fError:
			if d.isNull() {
				w.Error = nil
				return
			}
			if d.expect('{', "object", "voxapi.wireError") {
				if w.Error == nil {
					w.Error = &wireError{}
				}
				d.wireErrorObject(w.Error)
			} else if w.Error == nil {
				w.Error = &wireError{}
			}
		case fErrors:
			if d.isNull() {
				w.Errors = nil
				return
			}
			if d.expect('[', "array", "[]voxapi.wireError") {
				w.Errors = d.wireErrorArray(w.Errors)
			}
		default:
			d.skipValue()
		}
	}, topFields)
	if d.synErr == nil {
		// Only white space may follow the answer.
		if c, ok := d.skipWS(); ok {
			d.fail(fmt.Sprintf("invalid character %q after the JSON answer", c))
		}
	}
	if d.synErr != nil {
		return nil, d.synErr
	}
	if d.typeErr != nil {
		return nil, d.typeErr
	}
	if ae := w.apiError(); ae != nil {
		return nil, ae
	}
	if !hasResult {
		return nil, errors.New(`answer has no "result"`)
	}
	if !hasTotal {
		return nil, errors.New(`answer has no "total_count"`)
	}
	resp := &GetUsersResponse{Result: result, TotalCount: total}
	resp.Count = int64(len(result))
	if hasCount {
		resp.Count = count
	}
	return resp, nil
}

// Field tables: the JSON names, and the same folded as encoding/json folds
// keys for its case-insensitive match.
type fieldTable struct {
	names  []string
	folded []string
}

func newFieldTable(names ...string) *fieldTable {
	t := &fieldTable{names: names}
	for _, n := range names {
		t.folded = append(t.folded, string(foldName(nil, []byte(n))))
	}
	return t
}

const (
	fResult = iota
	fTotalCount
	fCount
	fError
	fErrors
)

var topFields = newFieldTable("result", "total_count", "count", "error", "errors")

const (
	fUserID = iota
	fUserName
	fUserDisplayName
	fUserActive
	fParentAccounting
	fLiveBalance
	fBalance
	fFixedBalance
	fUserCustomData
	fApplications
	fSkills
	fACDQueues
	fACDStatus
	fACDStatusChangeTime
	fCreated
	fModified
	fFrozen
)

var userFields = newFieldTable("user_id", "user_name", "user_display_name", "user_active",
	"parent_accounting", "live_balance", "balance", "fixed_balance", "user_custom_data",
	"applications", "skills", "acd_queues", "acd_status", "acd_status_change_time",
	"created", "modified", "frozen")

var (
	appFields   = newFieldTable("application_id", "application_name", "modified", "secure_record_storage")
	skillFields = newFieldTable("skill_id", "skill_name")
	queueFields = newFieldTable("acd_queue_id", "acd_queue_name", "auto_link")
	errFields   = newFieldTable("code", "msg")
)

// lookup finds key's field: an exact match first, then a folded one, as
// encoding/json does. -1 when none.
func (d *streamDecoder) lookup(key []byte, t *fieldTable) int {
	for i, n := range t.names {
		if string(key) == n {
			return i
		}
	}
	d.fold = foldName(d.fold[:0], key)
	for i, n := range t.folded {
		if string(d.fold) == n {
			return i
		}
	}
	return -1
}

// foldName is encoding/json's key folding: ASCII upper case, and for other
// runes upper(lower(r)), so that "ſ" (U+017F) matches "S" and "K" (Kelvin)
// matches "K".
func foldName(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		out = utf8.AppendRune(out, unicode.ToUpper(unicode.ToLower(r)))
		i += n
	}
	return out
}

// ---- input ----

// fill reads more input, keeping buf[mark:] (or buf[pos:]) in place. It
// reports whether any bytes arrived.
func (d *streamDecoder) fill() bool {
	if d.rerr != nil {
		if d.rerr != io.EOF {
			d.failErr(d.rerr)
		}
		return false
	}
	keep := d.pos
	if d.mark >= 0 {
		keep = d.mark
	}
	if keep > 0 {
		n := copy(d.buf, d.buf[keep:d.end])
		d.off += int64(keep)
		d.end = n
		d.pos -= keep
		if d.mark >= 0 {
			d.mark -= keep
		}
	}
	if d.end == len(d.buf) {
		nb := make([]byte, 2*len(d.buf))
		copy(nb, d.buf[:d.end])
		d.buf = nb
	}
	for range 100 {
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		if err != nil {
			d.rerr = err
		}
		if n > 0 {
			return true
		}
		if err != nil {
			if err != io.EOF {
				d.failErr(err)
			}
			return false
		}
	}
	d.rerr = io.ErrNoProgress
	d.failErr(io.ErrNoProgress)
	return false
}

// peek returns the next byte without consuming it; false at the end of
// input (or after a failure).
func (d *streamDecoder) peek() (byte, bool) {
	if d.synErr != nil {
		return 0, false
	}
	if d.pos >= d.end && !d.fill() {
		return 0, false
	}
	return d.buf[d.pos], true
}

// skipWS skips JSON white space and peeks at the next byte.
func (d *streamDecoder) skipWS() (byte, bool) {
	for {
		for d.pos < d.end {
			switch c := d.buf[d.pos]; c {
			case ' ', '\t', '\n', '\r':
				d.pos++
			default:
				if d.synErr != nil {
					return 0, false
				}
				return c, true
			}
		}
		if d.synErr != nil || !d.fill() {
			return 0, false
		}
	}
}

func (d *streamDecoder) failErr(err error) {
	if d.synErr == nil {
		d.synErr = err
	}
}

func (d *streamDecoder) fail(msg string) {
	d.failErr(&syntaxError{msg: msg, off: d.off + int64(d.pos)})
}

// unexpectedEnd fails at the end of input, keeping a read error if that is
// what ended it.
func (d *streamDecoder) unexpectedEnd() {
	if d.rerr != nil && d.rerr != io.EOF {
		d.failErr(d.rerr)
		return
	}
	d.failErr(io.ErrUnexpectedEOF)
}

// next peeks past white space, failing on the end of input.
func (d *streamDecoder) next() (byte, bool) {
	if d.pos < d.end && d.synErr == nil {
		if c := d.buf[d.pos]; c > ' ' {
			return c, true
		}
	}
	return d.nextSlow()
}

func (d *streamDecoder) nextSlow() (byte, bool) {
	c, ok := d.skipWS()
	if !ok {
		d.unexpectedEnd()
	}
	return c, ok
}

func (d *streamDecoder) typeMismatch(value, goType string) {
	if d.typeErr == nil {
		d.typeErr = fmt.Errorf("cannot decode a JSON %s into %s (offset %d)", value, goType, d.off+int64(d.pos))
	}
}

// kindName names the JSON value starting with c.
func kindName(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// isNull consumes a null literal if one comes next.
func (d *streamDecoder) isNull() bool {
	c, ok := d.next()
	if !ok || c != 'n' {
		return false
	}
	d.literal("null")
	return true
}

// expect reports whether the next value starts with c (consuming nothing).
// Any other value is a type mismatch, and is skipped.
func (d *streamDecoder) expect(c byte, value, goType string) bool {
	got, ok := d.next()
	if !ok {
		return false
	}
	if got == c {
		return true
	}
	if got == '{' || got == '[' || got == '"' || got == 't' || got == 'f' || got == 'n' || got == '-' || (got >= '0' && got <= '9') {
		d.typeMismatch(kindName(got), goType)
		d.skipValue()
		return false
	}
	d.fail(fmt.Sprintf("invalid character %q looking for the beginning of a value", got))
	return false
}

// literal consumes the literal word (true, false, null).
func (d *streamDecoder) literal(word string) {
	for i := 0; i < len(word); i++ {
		c, ok := d.peek()
		if !ok {
			d.unexpectedEnd()
			return
		}
		if c != word[i] {
			d.fail(fmt.Sprintf("invalid character %q in literal %s", c, word))
			return
		}
		d.pos++
	}
}

// ---- structure ----

// objectFields reads an object (next byte '{'), calling value for every
// member with the member's field index in t (-1 for unknown keys); value
// must consume the member's value.
func (d *streamDecoder) objectFields(value func(field int), t *fieldTable) {
	d.pos++ // '{'
	d.depth++
	if d.depth > maxNestingDepth {
		d.fail("exceeded max depth")
		return
	}
	first := true
	for {
		c, ok := d.next()
		if !ok {
			return
		}
		if first && c == '}' {
			d.pos++
			break
		}
		if !first {
			if c == '}' {
				d.pos++
				break
			}
			if c != ',' {
				d.fail(fmt.Sprintf("invalid character %q after object key:value pair", c))
				return
			}
			d.pos++
			if c, ok = d.next(); !ok {
				return
			}
		}
		if c != '"' {
			d.fail(fmt.Sprintf("invalid character %q looking for beginning of object key string", c))
			return
		}
		key, ok := d.stringBytes()
		if !ok {
			return
		}
		field := -1
		if t != nil {
			field = d.lookup(key, t)
		}
		if c, ok = d.next(); !ok {
			return
		}
		if c != ':' {
			d.fail(fmt.Sprintf("invalid character %q after object key", c))
			return
		}
		d.pos++
		if field < 0 {
			d.skipValue()
		} else {
			value(field)
		}
		if d.synErr != nil {
			return
		}
		first = false
	}
	d.depth--
}

// arrayElems reads an array (next byte '['), calling elem for each element;
// elem must consume it.
func (d *streamDecoder) arrayElems(elem func()) {
	d.pos++ // '['
	d.depth++
	if d.depth > maxNestingDepth {
		d.fail("exceeded max depth")
		return
	}
	first := true
	for {
		c, ok := d.next()
		if !ok {
			return
		}
		if first && c == ']' {
			d.pos++
			break
		}
		if !first {
			if c == ']' {
				d.pos++
				break
			}
			if c != ',' {
				d.fail(fmt.Sprintf("invalid character %q after array element", c))
				return
			}
			d.pos++
		}
		elem()
		if d.synErr != nil {
			return
		}
		first = false
	}
	d.depth--
}

// skipValue consumes one value of any kind, checking its syntax.
func (d *streamDecoder) skipValue() {
	c, ok := d.next()
	if !ok {
		return
	}
	switch {
	case c == '{':
		d.objectFields(nil, nil)
	case c == '[':
		d.arrayElems(d.skipValue)
	case c == '"':
		d.stringBytes()
	case c == 't':
		d.literal("true")
	case c == 'f':
		d.literal("false")
	case c == 'n':
		d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		d.number()
	default:
		d.fail(fmt.Sprintf("invalid character %q looking for beginning of value", c))
	}
}

// ---- scalars ----

// number consumes a number (next byte '-' or a digit) and returns its text,
// valid until the next read, and whether it is an integer literal.
func (d *streamDecoder) number() (num []byte, integer bool) {
	d.mark = d.pos
	defer func() { d.mark = -1 }()
	start := func() int { return d.mark }
	// more peeks, refilling, at the byte after the number so far.
	more := func() (byte, bool) {
		if d.pos < d.end {
			return d.buf[d.pos], true
		}
		if !d.fill() {
			return 0, false
		}
		return d.buf[d.pos], true
	}
	digits := func() int {
		n := 0
		for {
			c, ok := more()
			if !ok || c < '0' || c > '9' {
				return n
			}
			d.pos++
			n++
		}
	}
	bad := func(what string) ([]byte, bool) {
		if c, ok := more(); ok {
			d.fail(fmt.Sprintf("invalid character %q in numeric literal", c))
		} else if d.synErr == nil {
			d.unexpectedEnd()
		}
		_ = what
		return nil, false
	}
	integer = true
	if c, _ := more(); c == '-' {
		d.pos++
	}
	c, ok := more()
	switch {
	case !ok:
		return bad("digit")
	case c == '0':
		d.pos++
	case c >= '1' && c <= '9':
		digits()
	default:
		return bad("digit")
	}
	if c, ok := more(); ok && c == '.' {
		integer = false
		d.pos++
		if digits() == 0 {
			return bad("digit after the decimal point")
		}
	}
	if c, ok := more(); ok && (c == 'e' || c == 'E') {
		integer = false
		d.pos++
		if c, ok := more(); ok && (c == '+' || c == '-') {
			d.pos++
		}
		if digits() == 0 {
			return bad("digit in the exponent")
		}
	}
	if d.synErr != nil {
		return nil, false
	}
	return d.buf[start():d.pos], integer
}

// int64Value decodes a number into *dst as encoding/json decodes into an
// int64: any other kind, a fraction or an overflow is a type mismatch.
// It reports whether *dst was set; a null leaves it alone.
func (d *streamDecoder) int64Value(dst *int64) bool {
	c, ok := d.next()
	if !ok {
		return false
	}
	if c == 'n' {
		d.literal("null")
		return false
	}
	if c != '-' && (c < '0' || c > '9') {
		d.expect('0', "", "int64") // reports the mismatch and skips
		return false
	}
	num, integer := d.number()
	if num == nil {
		return false
	}
	if n, ok := parseSmallInt(num); ok && integer {
		*dst = n
		return true
	}
	n, err := strconv.ParseInt(unsafe.String(&num[0], len(num)), 10, 64)
	if err != nil || !integer {
		d.typeMismatch("number "+string(num), "int64")
		return false
	}
	*dst = n
	return true
}

// parseSmallInt parses up to 18 digits, which cannot overflow.
func parseSmallInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// optInt64 decodes into a *int64 field held as (value, present): null
// clears it.
func (d *streamDecoder) optInt64(dst *int64, present *bool) {
	c, ok := d.next()
	if ok && c == 'n' {
		d.literal("null")
		*present = false
		return
	}
	if ok && c != '-' && (c < '0' || c > '9') {
		*present = true // encoding/json allocates before it finds the mismatch
	}
	if d.int64Value(dst) {
		*present = true
	}
}

// floatPtr decodes into a *float64 field.
func (d *streamDecoder) floatPtr(dst **float64) {
	c, ok := d.next()
	if !ok {
		return
	}
	if c == 'n' {
		d.literal("null")
		*dst = nil
		return
	}
	if *dst == nil {
		*dst = d.floats.new()
	}
	if c != '-' && (c < '0' || c > '9') {
		d.expect('0', "", "float64")
		return
	}
	num, _ := d.number()
	if num == nil {
		return
	}
	f, err := strconv.ParseFloat(unsafe.String(&num[0], len(num)), 64)
	if err != nil {
		d.typeMismatch("number "+string(num), "float64")
		return
	}
	**dst = f
}

// boolValue decodes into a bool field; null leaves it alone.
func (d *streamDecoder) boolValue(dst *bool) {
	c, ok := d.next()
	if !ok {
		return
	}
	switch c {
	case 't':
		d.literal("true")
		*dst = true
	case 'f':
		d.literal("false")
		*dst = false
	case 'n':
		d.literal("null")
	default:
		d.expect('t', "", "bool")
	}
}

// boolPtr decodes into a *bool field.
func (d *streamDecoder) boolPtr(dst **bool) {
	c, ok := d.next()
	if !ok {
		return
	}
	if c == 'n' {
		d.literal("null")
		*dst = nil
		return
	}
	if *dst == nil {
		*dst = d.bools.new()
	}
	d.boolValue(*dst)
}

// stringValue decodes into a string field; null leaves it alone. Short
// strings are interned when intern is set.
func (d *streamDecoder) stringValue(dst *string, intern bool) {
	c, ok := d.next()
	if !ok {
		return
	}
	if c == 'n' {
		d.literal("null")
		return
	}
	if c != '"' {
		d.expect('"', "", "string")
		return
	}
	b, ok := d.stringBytes()
	if !ok {
		return
	}
	if intern {
		*dst = d.internString(b)
	} else {
		*dst = string(b)
	}
}

// stringPtr decodes into a *string field.
func (d *streamDecoder) stringPtr(dst **string) {
	c, ok := d.next()
	if !ok {
		return
	}
	if c == 'n' {
		d.literal("null")
		*dst = nil
		return
	}
	if *dst == nil {
		*dst = d.strs.new()
	}
	d.stringValue(*dst, true)
}

func (d *streamDecoder) internString(b []byte) string {
	if len(b) > 64 {
		return string(b)
	}
	if s, ok := d.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if d.intern == nil {
		d.intern = make(map[string]string, 64)
	}
	if len(d.intern) < 4096 {
		d.intern[s] = s
	}
	return s
}

// timestamp decodes a Timestamp field as Timestamp.UnmarshalJSON does:
// any value is accepted, and only a well-formed string is a valid time.
func (d *streamDecoder) timestamp(dst *Timestamp) {
	c, ok := d.next()
	if !ok {
		return
	}
	*dst = Timestamp{}
	if c != '"' {
		d.skipValue()
		return
	}
	b, ok := d.stringBytes()
	if !ok {
		return
	}
	if t, ok := parseTimestampFast(b); ok {
		*dst = Timestamp{Time: t, Valid: true}
		return
	}
	*dst, _ = ParseTimestamp(string(b))
}

// parseTimestampFast parses the canonical form "YYYY-MM-DD HH:MM:SS" with
// the range checks of time.Parse; ok is false for anything else, which the
// caller hands to ParseTimestamp.
func parseTimestampFast(b []byte) (time.Time, bool) {
	if len(b) != 19 || b[4] != '-' || b[7] != '-' || b[10] != ' ' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	hour, minute, sec := num(11, 2), num(14, 2), num(17, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
		minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	if day > daysIn(month, year) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC), true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// stringBytes consumes a string (next byte '"') and returns its unescaped
// contents, valid until the next read. Invalid UTF-8 and bad surrogates
// become U+FFFD, as in encoding/json.
func (d *streamDecoder) stringBytes() ([]byte, bool) {
	d.pos++ // opening quote
	d.mark = d.pos
	defer func() { d.mark = -1 }()
	i := d.pos
	esc, ascii := false, true
	for {
		if i >= d.end {
			n := i - d.mark
			if !d.fill() {
				d.pos = d.end
				d.unexpectedEnd()
				return nil, false
			}
			i = d.mark + n
			continue
		}
		c := d.buf[i]
		if !strSpecial[c] {
			i++
			continue
		}
		if c == '"' {
			break
		}
		if c < 0x20 {
			d.pos = i
			d.fail(fmt.Sprintf("invalid character %q in string literal", c))
			return nil, false
		}
		if c == '\\' {
			esc = true
			// The escape must be complete in buf: make sure of up to 6 bytes.
			for i+6 > d.end {
				n := i - d.mark
				more := d.fill() // may move the string even when nothing arrives
				i = d.mark + n
				if !more {
					break
				}
			}
			if i+1 >= d.end {
				d.pos = d.end
				d.unexpectedEnd()
				return nil, false
			}
			switch d.buf[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > d.end {
					d.pos = d.end
					d.unexpectedEnd()
					return nil, false
				}
				for _, h := range d.buf[i+2 : i+6] {
					if !isHex(h) {
						d.pos = i
						d.fail(fmt.Sprintf("invalid character %q in \\u hexadecimal character escape", h))
						return nil, false
					}
				}
				i += 6
			default:
				d.pos = i
				d.fail(fmt.Sprintf("invalid character %q in string escape code", d.buf[i+1]))
				return nil, false
			}
			continue
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
		i++
	}
	raw := d.buf[d.mark:i]
	d.pos = i + 1
	if !esc && (ascii || utf8.Valid(raw)) {
		return raw, true
	}
	d.tmp = unquote(d.tmp[:0], raw)
	return d.tmp, true
}

// strSpecial marks the bytes a string scan must look at: the quote, the
// backslash, control characters and non-ASCII bytes.
var strSpecial = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf
	}
	return t
}()

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// unquote appends the unescaped contents of a syntactically valid string
// body to out, with encoding/json's replacements.
func unquote(out, s []byte) []byte {
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			switch s[r+1] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				rr := getu4(s[r:])
				if utf16.IsSurrogate(rr) {
					rr1 := getu4(s[r+6:])
					if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
						out = utf8.AppendRune(out, dec)
						r += 12
						continue
					}
					rr = unicode.ReplacementChar
				}
				out = utf8.AppendRune(out, rr)
				r += 6
				continue
			default: // " \ /
				out = append(out, s[r+1])
			}
			r += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			out = utf8.AppendRune(out, rr)
			r += size
		}
	}
	return out
}

// ---- the wire types ----

// usersArray decodes the result array into s (next byte '['), reusing s's
// elements as encoding/json does when "result" comes twice.
func (d *streamDecoder) usersArray(s []User) []User {
	fresh := s == nil
	var scratch *[]User
	if fresh {
		// Read into a pooled slice and copy once into one of the exact
		// size, rather than growing the answer's slice step by step.
		scratch = userScratch.Get().(*[]User)
		s = (*scratch)[:0]
	}
	i := 0
	d.arrayElems(func() {
		s = growTo(s, i)
		d.userValue(&s[i])
		i++
	})
	if !fresh {
		return finishSlice(s, i)
	}
	out := finishSlice([]User(nil), 0)
	if i > 0 {
		out = make([]User, i)
		copy(out, s[:i])
	}
	clear(s[:cap(s)])
	*scratch = s[:0]
	userScratch.Put(scratch)
	return out
}

var userScratch = sync.Pool{New: func() any { return new([]User) }}

// growTo makes s[i] addressable the way encoding/json's array decoding
// does: within capacity the old element is reused, beyond it a zero one
// is appended.
func growTo[T any](s []T, i int) []T {
	switch {
	case i < len(s):
	case i < cap(s):
		s = s[:i+1]
	default:
		var zero T
		s = append(s, zero)
	}
	return s
}

func finishSlice[T any](s []T, n int) []T {
	if n == 0 {
		return []T{}
	}
	return s[:n]
}

// slabArray decodes an array of small structs into *dst. A fresh slice is
// read into scratch and copied into the slab; an existing one (a repeated
// key) is decoded into in place.
func slabArray[T any](d *streamDecoder, dst *[]T, scratch *[]T, sl *slab[T], goType string, elem func(*T)) {
	if d.isNull() {
		*dst = nil
		return
	}
	if !d.expect('[', "array", goType) {
		return
	}
	s, fresh := *dst, *dst == nil
	if fresh {
		s = (*scratch)[:0]
	}
	i := 0
	d.arrayElems(func() {
		s = growTo(s, i)
		elem(&s[i])
		i++
	})
	if !fresh {
		*dst = finishSlice(s, i)
		return
	}
	*scratch = s[:0]
	if i == 0 {
		*dst = []T{}
		return
	}
	out := sl.take(i)
	copy(out, s[:i])
	clear(s[:i])
	*dst = out
}

// structValue decodes an object into a struct element: null leaves it
// alone, another kind is a mismatch.
func (d *streamDecoder) structValue(goType string, t *fieldTable, field func(int)) {
	if d.isNull() {
		return
	}
	if !d.expect('{', "object", goType) {
		return
	}
	d.objectFields(field, t)
}

func (d *streamDecoder) userValue(u *User) {
	d.structValue("voxapi.User", userFields, func(f int) {
		switch f {
		case fUserID:
			d.int64Value(&u.UserID)
		case fUserName:
			d.stringValue(&u.UserName, false)
		case fUserDisplayName:
			d.stringValue(&u.UserDisplayName, false)
		case fUserActive:
			d.boolValue(&u.UserActive)
		case fParentAccounting:
			d.boolValue(&u.ParentAccounting)
		case fLiveBalance:
			d.floatPtr(&u.LiveBalance)
		case fBalance:
			d.floatPtr(&u.Balance)
		case fFixedBalance:
			d.floatPtr(&u.FixedBalance)
		case fUserCustomData:
			d.stringPtr(&u.UserCustomData)
		case fApplications:
			slabArray(d, &u.Applications, &d.appsT, &d.apps, "[]voxapi.Application", d.applicationValue)
		case fSkills:
			slabArray(d, &u.Skills, &d.skillsT, &d.skills, "[]voxapi.Skill", d.skillValue)
		case fACDQueues:
			slabArray(d, &u.ACDQueues, &d.queuesT, &d.queues, "[]voxapi.ACDQueueOperator", d.queueValue)
		case fACDStatus:
			d.stringValue(&u.ACDStatus, true)
		case fACDStatusChangeTime:
			d.timestamp(&u.ACDStatusChangeTime)
		case fCreated:
			d.timestamp(&u.Created)
		case fModified:
			d.timestamp(&u.Modified)
		case fFrozen:
			d.boolPtr(&u.Frozen)
		}
	})
}

func (d *streamDecoder) applicationValue(a *Application) {
	d.structValue("voxapi.Application", appFields, func(f int) {
		switch f {
		case 0:
			d.int64Value(&a.ApplicationID)
		case 1:
			d.stringValue(&a.ApplicationName, true)
		case 2:
			d.timestamp(&a.Modified)
		case 3:
			d.boolPtr(&a.SecureRecordStorage)
		}
	})
}

func (d *streamDecoder) skillValue(s *Skill) {
	d.structValue("voxapi.Skill", skillFields, func(f int) {
		switch f {
		case 0:
			d.int64Value(&s.SkillID)
		case 1:
			d.stringValue(&s.SkillName, true)
		}
	})
}

func (d *streamDecoder) queueValue(q *ACDQueueOperator) {
	d.structValue("voxapi.ACDQueueOperator", queueFields, func(f int) {
		switch f {
		case 0:
			d.int64Value(&q.ACDQueueID)
		case 1:
			d.stringValue(&q.ACDQueueName, true)
		case 2:
			d.boolPtr(&q.AutoLink)
		}
	})
}

func (d *streamDecoder) wireErrorObject(e *wireError) {
	d.objectFields(func(f int) {
		switch f {
		case 0:
			var n int64
			if d.int64Value(&n) {
				if n != int64(int(n)) {
					d.typeMismatch("number", "int")
					return
				}
				e.Code = int(n)
			}
		case 1:
			d.stringValue(&e.Msg, false)
		}
	}, errFields)
}

// wireErrorArray decodes the errors array (next byte '[').
func (d *streamDecoder) wireErrorArray(s []wireError) []wireError {
	i := 0
	d.arrayElems(func() {
		s = growTo(s, i)
		e := &s[i]
		if d.isNull() {
			i++
			return
		}
		if d.expect('{', "object", "voxapi.wireError") {
			d.wireErrorObject(e)
		}
		i++
	})
	return finishSlice(s, i)
}
