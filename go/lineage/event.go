package lineage

import (
	"strconv"
	"unicode/utf8"
)

type evKind uint8

const (
	evDerive evKind = iota
	evEnd
	evDrops
)

// event is one line of the events file (docs/lineage-events.md). It is
// passed by value through the sink's channel; every string in it is
// either shared (IDs, cached sites) or made once for the event.
type event struct {
	ev             evKind
	t              int64
	id, parent     string
	remoteParent   string
	kind           kind
	g              uint64
	cg             uint64 // roots only: the goroutine that started g; 0 unknown
	site           *site
	deadline       int64 // 0: none
	parentDeadline int64
	timeoutUS      int64
	hasTimeout     bool
	key            string
	valueDepth     int32
	held           string
	stack          []string
	how            string
	err, cause     string
	n              int64
}

// appendEvent encodes ev as one JSON line, "ev" first, by hand: no
// reflection and no allocation beyond growing buf.
func appendEvent(b []byte, ev *event) []byte {
	switch ev.ev {
	case evDerive:
		b = append(b, `{"ev":"derive"`...)
		b = appendField(b, "id", ev.id)
		b = appendField(b, "parent", ev.parent)
		if ev.remoteParent != "" {
			b = appendField(b, "remote_parent", ev.remoteParent)
		}
		b = appendField(b, "kind", ev.kind.String())
		b = appendInt(b, "t", ev.t)
		b = appendUint(b, "g", ev.g)
		if ev.cg != 0 {
			b = appendUint(b, "cg", ev.cg)
		}
		b = appendSite(b, ev.site)
		if ev.deadline != 0 {
			b = appendInt(b, "deadline", ev.deadline)
		}
		if ev.parentDeadline != 0 {
			b = appendInt(b, "parent_deadline", ev.parentDeadline)
		}
		if ev.hasTimeout {
			b = appendInt(b, "timeout_us", ev.timeoutUS)
		}
		if ev.kind == kindValue {
			b = appendField(b, "key", ev.key)
			b = appendInt(b, "value_depth", int64(ev.valueDepth))
		}
		if ev.held != "" {
			b = appendField(b, "held", ev.held)
		}
		if ev.stack != nil {
			b = append(b, `,"stack":[`...)
			for i, f := range ev.stack {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendString(b, f)
			}
			b = append(b, ']')
		}
	case evEnd:
		b = append(b, `{"ev":"end"`...)
		b = appendField(b, "id", ev.id)
		b = appendInt(b, "t", ev.t)
		b = appendField(b, "how", ev.how)
		if ev.how == "cancel" {
			b = appendUint(b, "g", ev.g)
			b = appendSite(b, ev.site)
		}
		if ev.err != "" {
			b = appendField(b, "err", ev.err)
		}
		if ev.cause != "" {
			b = appendField(b, "cause", ev.cause)
		}
	case evDrops:
		b = append(b, `{"ev":"drops"`...)
		b = appendInt(b, "t", ev.t)
		b = appendInt(b, "n", ev.n)
	}
	return append(b, "}\n"...)
}

func appendSite(b []byte, s *site) []byte {
	if s == nil {
		return b
	}
	b = appendField(b, "func", s.fn)
	b = appendField(b, "file", s.file)
	return appendInt(b, "line", int64(s.line))
}

func appendField(b []byte, name, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, value)
}

func appendInt(b []byte, name string, v int64) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return strconv.AppendInt(b, v, 10)
}

func appendUint(b []byte, name string, v uint64) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return strconv.AppendUint(b, v, 10)
}

// appendString writes s as a JSON string; invalid UTF-8 becomes U+FFFD so
// every line stays valid JSON.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
